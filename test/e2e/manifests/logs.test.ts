// The log line contract for EFK pipelines (manifests/logs/log-line.schema.json) holds for
// real output: every line each kubehpc program of the running platform wrote to .local/logs
// is one JSON object the schema accepts, naming that program in `component`. The
// Elasticsearch index template maps every field the schema defines, with a matching type.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import t from 'tap';
import { platform } from '../../support/cluster.ts';
import { MANIFESTS } from './render.ts';

const LOGS = join(MANIFESTS, 'logs');
const schema = JSON.parse(readFileSync(join(LOGS, 'log-line.schema.json'), 'utf8')) as {
  required: string[];
  properties: Record<string, { type?: string; format?: string; enum?: string[] }>;
};
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);

/** kubehpc's programs on the local platform, by their log file. */
const PROGRAMS = ['kubehpc-apiserver', 'kubehpc-controllers', 'scheduler-extender'];

t.test('the schema states the contract', async (t) => {
  t.same(schema.required, ['time', 'level', 'component', 'msg']);
  t.same(schema.properties.level?.enum, ['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
  for (const field of ['project', 'service', 'decision', 'err']) t.ok(schema.properties[field], field);
  t.ok(
    validate({
      time: '2026-11-29T12:00:00.000Z',
      level: 'info',
      component: 'kubehpc-apiserver',
      msg: 'serving',
      url: 'x',
    }),
  );
  t.notOk(
    validate({ time: 'yesterday', level: 'info', component: 'kubehpc-apiserver', msg: 'x' }),
    'time is ISO 8601',
  );
  t.notOk(
    validate({ time: '2026-11-29T12:00:00.000Z', level: 'notice', component: 'kubehpc-x', msg: 'x' }),
    'level',
  );
  t.notOk(validate({ time: '2026-11-29T12:00:00.000Z', level: 'info', msg: 'x' }), 'component is required');
  t.notOk(
    validate({
      time: '2026-11-29T12:00:00.000Z',
      level: 'info',
      component: 'kubehpc-x',
      msg: 'x',
      project: 'Not_A_NS',
    }),
    'project is a namespace name',
  );
});

for (const program of PROGRAMS) {
  t.test(`every line ${program} logged matches the schema`, async (t) => {
    const lines = readFileSync(join(platform.logDir, `${program}.log`), 'utf8')
      .split('\n')
      .filter(Boolean);
    t.ok(lines.length > 0, `${program} logged something`);
    const components = new Set<string>();
    let bad = 0;
    for (const line of lines) {
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        record = line;
      }
      if (!validate(record)) {
        bad += 1;
        if (bad <= 5)
          t.fail(`not a valid log line: ${line.slice(0, 300)}`, { errors: ajv.errorsText(validate.errors) });
        continue;
      }
      components.add((record as { component: string }).component);
    }
    t.equal(bad, 0, `${bad} of ${lines.length} lines do not match`);
    t.ok(components.size <= 1, `one component name per program: ${[...components].join(', ')}`);
  });
}

t.test('the Elasticsearch index template maps every schema field with a matching type', async (t) => {
  const template = JSON.parse(readFileSync(join(LOGS, 'elasticsearch-index-template.json'), 'utf8')) as {
    template: { mappings: { properties: Record<string, { type: string }> } };
  };
  const mapped = template.template.mappings.properties;
  for (const [field, spec] of Object.entries(schema.properties)) {
    const type = mapped[field]?.type;
    if (spec.format === 'date-time') t.equal(type, 'date', `${field} is a date`);
    else t.ok(type === 'keyword' || type === 'text', `${field} is mapped as text or keyword (${type})`);
  }
});
