// Machine-readable output in kubectl's shapes: -o json (one object, or a v1 List), yaml,
// name (kind.group/name), jsonpath=TEMPLATE. Pure: returns the text to print.

import { JsonPathError, jsonPath } from './jsonpath.ts';

export type OutputFormat =
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'name' }
  | { kind: 'jsonpath'; template: string };

interface Printable {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
}

/** Parses -o's value for the machine formats; undefined for table formats (table, wide). */
export function parseOutput(value: string | undefined): OutputFormat | undefined {
  if (value === undefined || value === '' || value === 'table' || value === 'wide') return undefined;
  if (value === 'json' || value === 'yaml' || value === 'name') return { kind: value };
  const m = value.match(/^jsonpath=(.*)$/s);
  if (m) {
    jsonPath(m[1] as string, {}); // a malformed template fails before any request
    return { kind: 'jsonpath', template: m[1] as string };
  }
  throw new JsonPathError(
    `unknown output format "${value}": use table, wide, json, yaml, name or jsonpath=TEMPLATE`,
  );
}

/** `kind.group/name`, as `kubectl get -o name` prints it. */
export function objectName(o: Printable): string {
  const group = o.apiVersion?.includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
  return `${(o.kind ?? '').toLowerCase()}${group}/${o.metadata?.name ?? ''}`;
}

/**
 * The objects in the format; several objects are wrapped in a List as kubectl does. The YAML
 * library is loaded only for -o yaml, so table output does not pay for it.
 */
export async function formatObjects(
  objects: readonly Printable[],
  format: OutputFormat,
  single: boolean,
): Promise<string> {
  if (format.kind === 'name') return objects.map(objectName).join('\n');
  const doc =
    single && objects.length === 1
      ? objects[0]
      : { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } };
  if (format.kind === 'json') return JSON.stringify(doc, null, 4);
  if (format.kind === 'yaml') return (await import('yaml')).stringify(doc).trimEnd();
  return jsonPath(format.template, doc);
}
