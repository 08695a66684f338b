// Printing a resource the way `kubectl get` does: the server's Table for table/wide, the
// objects for json/yaml/name/jsonpath, "No resources found" on stderr when there are none.

import type { KubeObject, ListOptions, Resource, Typed } from '../../../common/kube/resources.ts';
import { formatObjects, parseOutput } from '../../../common/print/output.ts';
import { isTable, renderTable } from '../../../common/print/table.ts';

export interface PrintFlags {
  output?: string | undefined;
  'no-headers'?: boolean | undefined;
  'all-namespaces'?: boolean | undefined;
  selector?: string | undefined;
}

export async function printResource(
  api: Typed,
  res: Resource,
  namespace: string,
  name: string | undefined,
  flags: PrintFlags,
): Promise<void> {
  const format = parseOutput(flags.output);
  const ns = flags['all-namespaces'] && !name ? undefined : namespace;
  const options: ListOptions = { labelSelector: flags.selector };
  if (format) {
    const objects: KubeObject[] = name
      ? [await api.get(res, ns, name)]
      : (await api.list(res, ns, options)).items.map((o) => ({
          apiVersion: `${res.group}/${res.version}`.replace(/^\//, ''),
          kind: res.kind,
          ...o,
        }));
    process.stdout.write(`${await formatObjects(objects, format, name !== undefined)}\n`);
    return;
  }
  const table = await api.table(res, ns, name, options);
  if (!isTable(table)) throw new Error('the server did not answer with a Table');
  const text = renderTable(table, {
    wide: flags.output === 'wide',
    noHeaders: Boolean(flags['no-headers']),
    withNamespace: ns === undefined && res.namespaced,
  });
  if (text === '') {
    process.stderr.write(
      ns === undefined ? 'No resources found\n' : `No resources found in ${ns} namespace.\n`,
    );
    return;
  }
  process.stdout.write(`${text}\n`);
}
