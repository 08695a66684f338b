// Hostile member names and paths thrown at every function that indexes an object with a
// client's key: patches, apply and managedFields, pruning and decoding. Whatever comes in,
// Object.prototype stays as it was and a refusal is a 4xx StatusError, never a crash.

import fc from 'fast-check';
import t from 'tap';
import {
  readApplyBody,
  readObjectBody,
  readPatchBody,
} from '../../../../../apiserver/src/server/negotiation.ts';
import { PROJECT_SERVICE } from '../../../../../common/apis/apps/v1alpha1/register.ts';
import { decode, validateObject } from '../../../../../common/apis/decode.ts';
import { StatusError } from '../../../../../common/apis/meta/errors.ts';
import {
  apply,
  decodeFields,
  encodeFields,
  updateManagedFields,
} from '../../../../../common/apis/meta/managedfields.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../../../../common/apis/meta/patch.ts';
import { validateObjectMeta } from '../../../../../common/apis/meta/validation.ts';
import { prune } from '../../../../../common/apis/schema.ts';

const SCHEMA = PROJECT_SERVICE.schema;
const HOSTILE = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineSetter__',
];
const REAL = ['metadata', 'spec', 'labels', 'annotations', 'config', 'files', 'env', '0', '-', 'image', 'x'];

const key = fc.oneof(fc.constantFrom(...HOSTILE), fc.constantFrom(...REAL), fc.string({ maxLength: 6 }));
const pointer = fc.array(key, { minLength: 1, maxLength: 5 }).map((segs) => `/${segs.join('/')}`);
/** JSON values whose objects may carry hostile member names, built as JSON.parse builds them. */
const hostileJson = fc
  .letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue({ maxDepth: 1 }),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((entries) => Object.fromEntries(entries)),
    ),
  }))
  .value.map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const operation = fc.record({
  op: fc.constantFrom('add', 'replace', 'remove', 'move', 'copy', 'test'),
  path: pointer,
  from: pointer,
  value: hostileJson,
});

function service(): Record<string, unknown> {
  return {
    apiVersion: 'apps.kubehpc.dev/v1alpha1',
    kind: 'ProjectService',
    metadata: { name: 'portal', namespace: 'team', resourceVersion: '5', labels: { app: 'portal' } },
    spec: {
      image: 'nginx',
      replicas: 1,
      env: [{ name: 'A', value: 'b' }],
      config: { mountPath: '/etc/app', files: { 'app.conf': 'x' } },
    },
  };
}

const PROTOTYPE_MEMBERS = Object.getOwnPropertyNames(Object.prototype).sort();

function untouched(): boolean {
  const names = Object.getOwnPropertyNames(Object.prototype).sort();
  return (
    JSON.stringify(names) === JSON.stringify(PROTOTYPE_MEMBERS) &&
    Object.getPrototypeOf(Object.prototype) === null &&
    ({} as Record<string, unknown>).x === undefined
  );
}

/** Runs `f`: it may succeed or refuse with a 4xx StatusError; anything else fails the property. */
function outcome(f: () => unknown): 'ok' | 'refused' {
  try {
    f();
    return 'ok';
  } catch (error) {
    if (error instanceof StatusError && error.code >= 400 && error.code < 500) return 'refused';
    throw error;
  }
}

/** What the registry does with a patched document: decode, then validate. */
function admit(document: unknown): void {
  const { object } = decode(PROJECT_SERVICE, document, 'Ignore');
  validateObject(PROJECT_SERVICE, object);
}

const RUNS = { numRuns: 300 };

t.test('JSON patch with hostile paths and values leaves Object.prototype alone', async (t) => {
  fc.assert(
    fc.property(fc.array(operation, { minLength: 1, maxLength: 4 }), (ops) => {
      outcome(() => admit(jsonPatch(service(), ops)));
      return untouched();
    }),
    RUNS,
  );
  t.ok(untouched());
});

t.test('merge and strategic merge patches with hostile members leave Object.prototype alone', async (t) => {
  fc.assert(
    fc.property(hostileJson, (patch) => {
      outcome(() => admit(mergePatch(service(), patch)));
      outcome(() => admit(strategicMergePatch(service(), patch, SCHEMA)));
      return untouched();
    }),
    RUNS,
  );
  t.ok(untouched());
});

t.test('apply, managedFields and pruning with hostile members leave Object.prototype alone', async (t) => {
  const target = { group: 'apps.kubehpc.dev', resource: 'projectservices', name: 'portal' };
  fc.assert(
    fc.property(hostileJson, hostileJson, (applied, fields) => {
      const configuration = { ...service(), spec: applied, metadata: { name: 'portal', labels: applied } };
      outcome(() => prune(SCHEMA, applied));
      outcome(() => apply(undefined, configuration, 'm', false, 'v1', SCHEMA, '', target));
      const live = service() as Parameters<typeof apply>[0] & object;
      live.metadata.managedFields = [{ manager: 'other', operation: 'Apply', fieldsV1: fields as never }];
      outcome(() => apply(live, configuration, 'm', true, 'v1', SCHEMA, '', target));
      outcome(() =>
        updateManagedFields(service(), configuration, live.metadata.managedFields, 'm', 'v1', SCHEMA, ''),
      );
      outcome(() => encodeFields(decodeFields(fields as Record<string, unknown>)));
      return untouched();
    }),
    RUNS,
  );
  t.ok(untouched());
});

t.test('bodies with hostile members are decoded or refused with a 4xx', async (t) => {
  fc.assert(
    fc.property(hostileJson, (spec) => {
      const text = JSON.stringify({ ...service(), spec });
      for (const read of [
        () => admit(readObjectBody(Buffer.from(text), 'application/json')),
        () => admit(readApplyBody(Buffer.from(text))),
        () =>
          admit(
            mergePatch(service(), readPatchBody(Buffer.from(text), 'application/merge-patch+json').patch),
          ),
      ])
        outcome(read);
      return untouched();
    }),
    RUNS,
  );
  t.ok(untouched());
});

t.test('the attack from issue 9 is a 4xx and pollutes nothing', async (t) => {
  const attacks = [
    [{ op: 'add', path: '/spec/__proto__/x', value: 'y' }],
    [{ op: 'add', path: '/spec/constructor/prototype/x', value: 'y' }],
    [{ op: 'replace', path: '/metadata/__proto__', value: { x: 'y' } }],
    [{ op: 'add', path: '/spec/__proto__', value: { x: 'y' } }],
    [{ op: 'copy', from: '/spec/__proto__', path: '/spec/x' }],
    [{ op: 'remove', path: '/spec/toString' }],
  ];
  for (const ops of attacks) {
    t.equal(
      outcome(() => admit(jsonPatch(service(), ops))),
      'refused',
      JSON.stringify(ops),
    );
  }
  t.equal(
    outcome(() => admit(mergePatch(service(), JSON.parse('{"spec":{"__proto__":{"x":"y"}}}')))),
    'refused',
  );
  t.equal(
    outcome(() =>
      admit(
        JSON.parse('{"__proto__":{"x":1},"apiVersion":"apps.kubehpc.dev/v1alpha1","kind":"ProjectService"}'),
      ),
    ),
    'refused',
  );
  t.ok(untouched());
});

t.test(
  '__proto__ is data where the schema allows any key: labels are refused, config files kept',
  async (t) => {
    const labelled = service();
    (labelled.metadata as Record<string, unknown>).labels = JSON.parse('{"__proto__":"x"}');
    const error = (() => {
      try {
        admit(labelled);
      } catch (e) {
        return e as StatusError;
      }
    })();
    t.equal(error?.code, 422, 'an invalid label key');
    t.match(error?.status.details?.causes?.[0]?.field, /^metadata\.labels/);
    t.same(
      validateObjectMeta(JSON.parse('{"name":"a","labels":{"constructor":"x"}}'), () => []),
      [],
    );

    const withFile = jsonPatch(service(), [
      { op: 'add', path: '/spec/config/files/__proto__', value: 'data' },
    ]);
    const { object } = decode(PROJECT_SERVICE, withFile, 'Strict');
    validateObject(PROJECT_SERVICE, object);
    const files = object.spec.config?.files ?? {};
    t.ok(Object.hasOwn(files, '__proto__'), 'stored as an own member');
    t.same(Object.entries(files), [
      ['app.conf', 'x'],
      ['__proto__', 'data'],
    ]);
    t.match(JSON.stringify(object), /"files":\{"app.conf":"x","__proto__":"data"\}/, 'and serialised');
    const merged = mergePatch(service(), JSON.parse('{"spec":{"config":{"files":{"__proto__":"m"}}}}')) as {
      spec: { config: { files: object } };
    };
    t.same(Object.entries(merged.spec.config.files), [
      ['app.conf', 'x'],
      ['__proto__', 'm'],
    ]);
  },
);

t.test('bodies nested deeper than the limit are a 400, parsed or not', async (t) => {
  const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
  for (const [type, read] of [
    ['json', () => readObjectBody(Buffer.from(`{"spec":${deep}}`), 'application/json')],
    ['yaml', () => readObjectBody(Buffer.from(`spec: ${deep}`), 'application/yaml')],
    ['patch', () => readPatchBody(Buffer.from(`{"spec":${deep}}`), 'application/merge-patch+json')],
  ] as const) {
    const error = (() => {
      try {
        read();
      } catch (e) {
        return e as StatusError;
      }
    })();
    t.equal(error?.code, 400, type);
  }
  const fine = `${'['.repeat(100)}${']'.repeat(100)}`;
  t.ok(readObjectBody(Buffer.from(`{"spec":${fine}}`), 'application/json'), 'ordinary nesting passes');
});

t.test('labels and annotations of the wrong type are a 422, not a crash (found by fast-check)', async (t) => {
  for (const patch of [
    { metadata: { labels: [null] } },
    { metadata: { annotations: { a: 1 } } },
    { metadata: { labels: 'x' } },
  ]) {
    t.equal(
      outcome(() => admit(mergePatch(service(), patch))),
      'refused',
      JSON.stringify(patch),
    );
  }
});
