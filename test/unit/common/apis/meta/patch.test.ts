import t from 'tap';
import { StatusError } from '../../../../../common/apis/meta/errors.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../../../../common/apis/meta/patch.ts';
import type { Schema } from '../../../../../common/apis/schema.ts';

t.test('JSON merge patch (RFC 7386)', async (t) => {
  t.same(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: [1] }), {
    a: 1,
    b: { d: 3, e: 4 },
    f: [1],
  });
  t.same(mergePatch({ list: [1, 2] }, { list: [3] }), { list: [3] }, 'lists are replaced');
});

t.test('JSON patch (RFC 6902)', async (t) => {
  const doc = { spec: { replicas: 1, ports: [{ name: 'a' }] }, metadata: { labels: { 'x/y': '1' } } };
  const out = jsonPatch(doc, [
    { op: 'replace', path: '/spec/replicas', value: 3 },
    { op: 'add', path: '/spec/ports/-', value: { name: 'b' } },
    { op: 'remove', path: '/metadata/labels/x~1y' },
    { op: 'copy', from: '/spec/replicas', path: '/spec/copied' },
    { op: 'move', from: '/spec/copied', path: '/spec/moved' },
    { op: 'test', path: '/spec/moved', value: 3 },
  ]);
  t.same(out, {
    spec: { replicas: 3, ports: [{ name: 'a' }, { name: 'b' }], moved: 3 },
    metadata: { labels: {} },
  });
  t.same(doc.spec.replicas, 1, 'the input is not modified');
  for (const bad of [
    [{ op: 'test', path: '/spec/replicas', value: 2 }],
    [{ op: 'remove', path: '/nope' }],
    [{ op: 'replace', path: '/spec/nope', value: 1 }],
    [{ op: 'frobnicate', path: '/spec' }],
    { op: 'add' },
  ]) {
    t.throws(() => jsonPatch(doc, bad), StatusError, JSON.stringify(bad));
  }
});

t.test('strategic merge patch merges keyed lists by key', async (t) => {
  const schema: Schema = {
    type: 'object',
    properties: {
      ports: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object' },
      },
      args: { type: 'array', items: { type: 'string' } },
    },
  };
  const doc = {
    ports: [
      { name: 'http', port: 80 },
      { name: 'grpc', port: 90 },
    ],
    args: ['a'],
  };
  const out = strategicMergePatch(
    doc,
    {
      ports: [
        { name: 'http', port: 8080 },
        { name: 'grpc', $patch: 'delete' },
        { name: 'new', port: 1 },
      ],
      args: ['b'],
    },
    schema,
  );
  t.same(out, {
    ports: [
      { name: 'http', port: 8080 },
      { name: 'new', port: 1 },
    ],
    args: ['b'],
  });
  t.same(strategicMergePatch(doc, { ports: null }, schema), { args: ['a'] });
});
