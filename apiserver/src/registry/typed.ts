// An object as served: the served version's apiVersion and kind. A stored object that
// already carries them is returned as it is, so a cached version keeps its one encoding
// (storage/versions.ts); otherwise the typed copy is made once per cached version.

import { apiVersionOf, type KindDefinition } from '../../../common/apis/kind.ts';
import { viewOf } from '../storage/versions.ts';

export function asServed<T extends { apiVersion?: string; kind?: string }>(
  def: Pick<KindDefinition, 'group' | 'version' | 'kind'>,
  object: T,
): T {
  const apiVersion = apiVersionOf(def);
  if (object.apiVersion === apiVersion && object.kind === def.kind) return object;
  return viewOf(object, `typed:${apiVersion}/${def.kind}`, (o) => ({ ...o, apiVersion, kind: def.kind }));
}
