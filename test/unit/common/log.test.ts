// The one log line format: what an EFK pipeline indexes, and its terminal rendering.

import t from 'tap';
import { createLogger, humanLine } from '../../../common/log.ts';

function capture(level?: 'debug' | 'info') {
  const lines: string[] = [];
  const log = createLogger({
    component: 'kubehpc-test',
    ...(level ? { level } : {}),
    destination: { write: (line: string) => lines.push(line) },
  });
  return { log, lines };
}

t.test('a JSON object per line: time, level name, component, msg, and the fields given', async (t) => {
  const { log, lines } = capture();
  log.child({ project: 'climate' }).info({ service: 'portal', decision: 'd-1' }, 'scaled');
  t.equal(lines.length, 1);
  t.ok(lines[0]?.endsWith('\n'), 'one line');
  const record = JSON.parse(lines[0] as string);
  t.match(record.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'ISO 8601 time');
  t.equal(record.level, 'info', 'the level by name');
  t.equal(record.component, 'kubehpc-test');
  t.equal(record.msg, 'scaled');
  t.equal(record.project, 'climate');
  t.equal(record.service, 'portal');
  t.equal(record.decision, 'd-1');
});

t.test('the level filters', async (t) => {
  const quiet = capture();
  quiet.log.debug('hidden');
  t.equal(quiet.lines.length, 0, 'debug is below the default info');
  const chatty = capture('debug');
  chatty.log.debug('shown');
  t.equal(chatty.lines.length, 1);
});

t.test('errors go under err', async (t) => {
  const { log, lines } = capture();
  log.error({ err: new Error('etcd unreachable') }, 'write failed');
  t.equal(JSON.parse(lines[0] as string).err.message, 'etcd unreachable');
});

t.test('on a terminal: time, level, component, message, then the other fields', async (t) => {
  t.equal(
    humanLine(
      '{"level":"warn","time":"2026-11-29T12:00:01.000Z","component":"c","project":"p","n":2,"msg":"m"}',
    ),
    '12:00:01 WARN  c m project=p n=2\n',
  );
  t.equal(humanLine('not json'), 'not json', 'anything else passes through');
});
