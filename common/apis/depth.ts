// The nesting limit of request bodies. kube-apiserver refuses JSON nested deeper than its
// decoder allows with a 400; this server walks documents recursively (pruning, defaulting,
// patches, managedFields), so it checks depth once, right after parsing and before any
// recursive walk, with an explicit stack that no document can overflow. The limit is far
// above what any schema here declares (fieldsV1 is the deepest data a client may send).

import { errors } from './meta/errors.ts';

export const MAX_NESTING_DEPTH = 1000;

/** Throws 400 BadRequest when `value` nests objects or arrays deeper than `limit`. */
export function checkDepth(value: unknown, limit = MAX_NESTING_DEPTH): void {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { node, depth } = top;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= limit) {
      throw errors.badRequest(`the request body nests objects deeper than the limit of ${limit} levels`);
    }
    for (const child of Object.values(node)) stack.push({ node: child, depth: depth + 1 });
  }
}
