// `project create|list|delete|grant|revoke`: a project is a namespace with kubehpc's project
// label; access is a RoleBinding to one of the shipped kubehpc:project-* ClusterRoles.

import { stringify } from 'yaml';
import { ApiError } from '../../../common/kube/client.ts';
import { NAMESPACES, ROLE_BINDINGS } from '../../../common/kube/resources.ts';
import { PROJECT_LABEL } from '../../../common/names.ts';
import type { VerbInput } from '../dispatch.ts';
import { UsageError } from '../errors.ts';
import { connect } from '../session.ts';
import { checkName, checkSubdomain } from '../values.ts';
import { confirm } from './confirm.ts';
import { printResource } from './print.ts';

/** The RoleBinding granting `role` to a user or group: one per (subject, role), named for both. */
export function projectBinding(namespace: string, role: string, kind: 'User' | 'Group', subject: string) {
  const slug =
    subject
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 150) || 'subject';
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name: `kubehpc-${role}-${kind.toLowerCase()}-${slug}`,
      namespace,
      labels: { [PROJECT_LABEL]: namespace, 'app.kubernetes.io/managed-by': 'kubectl-hpc' },
    },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `kubehpc:project-${role}` },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind, name: subject }],
  };
}

function subjectOf(
  args: VerbInput['args'],
  flags: VerbInput['flags'],
): { kind: 'User' | 'Group'; name: string } {
  const group = typeof flags.group === 'string' ? flags.group : undefined;
  if (group && args.subject) throw new UsageError('give either a USER or --group, not both');
  if (!group && !args.subject) throw new UsageError('give a USER or --group GROUP');
  return group ? { kind: 'Group', name: group } : { kind: 'User', name: args.subject as string };
}

export async function run({ args, flags }: VerbInput): Promise<number> {
  const id = String(flags._id);
  if (id === 'project:create') {
    const name = checkName(args.name ?? '', 'project name');
    const body = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { [PROJECT_LABEL]: name } },
    };
    if (flags['dry-run'] === 'client') {
      process.stdout.write(`${stringify(body).trimEnd()}\n`);
      return 0;
    }
    const session = await connect(flags);
    try {
      await session.api.create(NAMESPACES, undefined, body, flags['dry-run'] === 'server');
      process.stdout.write(`project ${name} created\n`);
      return 0;
    } finally {
      session.close();
    }
  }
  const session = await connect(flags);
  try {
    const { api } = session;
    if (id === 'project:list') {
      await printResource(api, NAMESPACES, '', undefined, { ...flags, selector: PROJECT_LABEL });
      return 0;
    }
    if (id === 'project:delete') {
      const name = checkName(args.name ?? '', 'project name');
      const ns = await api.get(NAMESPACES, undefined, name);
      if (!ns.metadata.labels || !Object.hasOwn(ns.metadata.labels, PROJECT_LABEL))
        throw new UsageError(
          `namespace ${name} is not a kubehpc project; delete it with kubectl if you mean to`,
        );
      if (!(await confirm(`delete project ${name} and everything in it?`, Boolean(flags.yes)))) return 1;
      await api.delete(NAMESPACES, undefined, name);
      process.stdout.write(`project ${name} deleted\n`);
      return 0;
    }
    const subject = subjectOf(args, flags);
    if (subject.kind === 'User')
      checkSubdomain(subject.name.replace(/[@:]/g, '-').toLowerCase(), 'user name');
    const role = String(flags.role);
    const binding = projectBinding(session.namespace, role, subject.kind, subject.name);
    if (id === 'project:grant') {
      try {
        await api.create(ROLE_BINDINGS, session.namespace, binding, flags['dry-run'] === 'server');
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 409)) throw error;
      }
      process.stdout.write(
        `granted ${role} in ${session.namespace} to ${subject.kind.toLowerCase()} ${subject.name}\n`,
      );
      return 0;
    }
    await api.delete(ROLE_BINDINGS, session.namespace, binding.metadata.name);
    process.stdout.write(
      `revoked ${role} in ${session.namespace} from ${subject.kind.toLowerCase()} ${subject.name}\n`,
    );
    return 0;
  } finally {
    session.close();
  }
}
