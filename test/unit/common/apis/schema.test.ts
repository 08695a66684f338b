import t from 'tap';
import {
  applyDefaults,
  propertyPaths,
  prune,
  type Schema,
  validate,
} from '../../../../common/apis/schema.ts';

const schema: Schema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 5 },
    count: { type: 'integer', minimum: 0, maximum: 10, default: 1 },
    ratio: { type: 'number', minimum: 0, exclusiveMinimum: true },
    mode: { type: 'string', enum: ['A', 'B'], default: 'A' },
    items: {
      type: 'array',
      maxItems: 2,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['key'],
      items: {
        type: 'object',
        properties: { key: { type: 'string' }, on: { type: 'boolean', default: true } },
      },
    },
    tags: { type: 'object', additionalProperties: { type: 'string', format: 'dns1123-label' } },
    free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

t.test('prune drops undeclared fields and reports their paths', async (t) => {
  const { value, unknown } = prune(schema, {
    name: 'x',
    extra: 1,
    items: [{ key: 'a', nope: true }],
    tags: { a: 'b' },
    free: { anything: { goes: 1 } },
  });
  t.same(unknown, ['extra', 'items[0].nope']);
  t.same(value, { name: 'x', items: [{ key: 'a' }], tags: { a: 'b' }, free: { anything: { goes: 1 } } });
});

t.test('defaults fill absent fields, recursively, and never overwrite', async (t) => {
  const value: Record<string, unknown> = {
    name: 'x',
    mode: 'B',
    items: [{ key: 'a' }, { key: 'b', on: false }],
  };
  applyDefaults(schema, value);
  t.same(value, {
    name: 'x',
    mode: 'B',
    count: 1,
    items: [
      { key: 'a', on: true },
      { key: 'b', on: false },
    ],
  });
});

t.test('validate reports each violation with its field path', async (t) => {
  const causes = validate(schema, {
    count: 11,
    ratio: 0,
    mode: 'C',
    items: [{ key: 'a' }, { key: 'a' }, { key: 'c' }],
    tags: { t: 'Not_A_Label' },
  });
  const byField = Object.fromEntries(causes.map((c) => [c.field, c.type]));
  t.same(byField, {
    name: 'FieldValueRequired',
    count: 'FieldValueInvalid',
    ratio: 'FieldValueInvalid',
    mode: 'FieldValueNotSupported',
    items: 'FieldValueTooMany',
    'items[1]': 'FieldValueDuplicate',
    'tags[t]': 'FieldValueInvalid',
  });
  t.match(
    causes.find((c) => c.field === 'count')?.message,
    'Invalid value: 11: must be less than or equal to 10',
  );
});

t.test('validate reports wrong types without descending', async (t) => {
  const causes = validate(schema, { name: 5, count: 1.5, items: {}, tags: [] });
  t.same(
    causes.map((c) => [c.field, c.type]),
    [
      ['name', 'FieldValueTypeInvalid'],
      ['count', 'FieldValueTypeInvalid'],
      ['items', 'FieldValueTypeInvalid'],
      ['tags', 'FieldValueTypeInvalid'],
    ],
  );
  t.match(causes[1]?.message, 'must be of type integer');
});

t.test('strings: empty required string, too long', async (t) => {
  t.same(
    validate(schema, { name: '' }).map((c) => c.type),
    ['FieldValueRequired'],
  );
  t.same(
    validate(schema, { name: 'toolong' }).map((c) => c.type),
    ['FieldValueTooLong'],
  );
});

t.test('propertyPaths lists nested and array-item properties', async (t) => {
  t.same(propertyPaths(schema), [
    'name',
    'count',
    'ratio',
    'mode',
    'items',
    'items[].key',
    'items[].on',
    'tags',
    'free',
  ]);
});
