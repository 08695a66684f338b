import t from 'tap';
import {
  ArgsError,
  filterResultJson,
  parseArgs,
  priorityList,
} from '../../../scheduler-extender/src/wire/args.ts';

const pod = { metadata: { name: 'p', namespace: 'ns' } };

t.test('parses NodeNames (node-cache capable) and Nodes (full objects)', async (t) => {
  t.same(parseArgs({ Pod: pod, Nodes: null, NodeNames: ['a', 'b'] }).nodeNames, ['a', 'b']);
  const full = parseArgs({ Pod: pod, Nodes: { items: [{ metadata: { name: 'a' } }] }, NodeNames: null });
  t.same(full.nodeNames, ['a']);
  t.ok(full.nodes);
});

t.test('rejects what the scheduler would never send, saying what is wrong', async (t) => {
  t.throws(() => parseArgs(null), ArgsError);
  t.throws(() => parseArgs({ Pod: pod, NodeNames: 'a' }), /NodeNames must be a list/);
  t.throws(() => parseArgs({ Pod: pod, NodeNames: ['x'.repeat(254)] }), /NodeNames\[0\] is not a node name/);
  t.throws(() => parseArgs({ Pod: pod, Nodes: { items: [{}] } }), /items\[0\]\.metadata\.name/);
  t.throws(
    () => parseArgs({ Pod: { metadata: { name: 'p' }, spec: 'x' }, NodeNames: [] }),
    /spec must be an object/,
  );
});

t.test('the filter result is valid JSON in the wire shape, escaping odd names', async (t) => {
  const args = parseArgs({ Pod: pod, NodeNames: ['a', 'we"ird', 'c'] });
  const text = filterResultJson(args, ['a'], new Map([['we"ird', 'r "1"']]), new Map([['c', 'r2']]));
  t.same(JSON.parse(text), {
    Nodes: null,
    NodeNames: ['a'],
    FailedNodes: { 'we"ird': 'r "1"' },
    FailedAndUnresolvableNodes: { c: 'r2' },
    Error: '',
  });
});

t.test('priorities are a HostPriorityList', async (t) => {
  t.same(priorityList(new Map([['a', 3]])), [{ Host: 'a', Score: 3 }]);
});
