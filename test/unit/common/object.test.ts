// The shared JSON helpers: what counts as an object, and the canonical text equal values share.

import t from 'tap';
import { canonicalJson, isObject } from '../../../common/object.ts';

t.test('isObject: a plain JSON object, not null, not an array', async (t) => {
  t.equal(isObject({}), true);
  t.equal(isObject({ a: 1 }), true);
  t.equal(isObject(null), false);
  t.equal(isObject([]), false);
  t.equal(isObject('x'), false);
});

t.test('canonicalJson sorts keys at every depth, inside arrays too, and keeps array order', async (t) => {
  const a = { b: 1, a: { d: [{ y: 2, x: 1 }], c: null } };
  const b = { a: { c: null, d: [{ x: 1, y: 2 }] }, b: 1 };
  t.equal(canonicalJson(a), '{"a":{"c":null,"d":[{"x":1,"y":2}]},"b":1}');
  t.equal(canonicalJson(a), canonicalJson(b));
  t.not(canonicalJson([1, 2]), canonicalJson([2, 1]), 'arrays are ordered');
  t.not(canonicalJson({ a: 1 }), canonicalJson({ a: '1' }), 'types count');
});
