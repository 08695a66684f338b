// Namespace lifecycle admission, as kube-apiserver's NamespaceLifecycle plugin: objects may
// only be created in namespaces that exist and are not being deleted. The namespace's phase
// is read from kube-apiserver and remembered briefly (Active 2 s, Terminating 30 s).

import type { CoreV1Api } from '@kubernetes/client-node';
import { errors } from '../../../../common/apis/meta/errors.ts';
import type { NamespaceCheck } from '../../registry/types.ts';
import { TtlCache } from '../ttlcache.ts';

export function namespaceLifecycle(core: CoreV1Api): NamespaceCheck {
  const known = new TtlCache<'Active' | 'Terminating'>();
  return async (namespace) => {
    let phase = known.get(namespace);
    if (!phase) {
      try {
        const ns = await core.readNamespace({ name: namespace });
        phase =
          ns.status?.phase === 'Terminating' || ns.metadata?.deletionTimestamp ? 'Terminating' : 'Active';
      } catch (error) {
        if ((error as { code?: number }).code === 404)
          throw errors.notFound({ group: '', resource: 'namespaces', name: namespace });
        throw errors.internal(`cannot read namespace ${namespace}: ${(error as Error).message}`);
      }
      known.set(namespace, phase, phase === 'Active' ? 2_000 : 30_000);
    }
    if (phase === 'Terminating') throw errors.namespaceTerminating(namespace);
  };
}
