import t from 'tap';
import { layout, realNodeWanted } from '../../../platform/src/layout.ts';

t.test('the real node runs on the default platform only, unless asked', async (t) => {
  t.equal(realNodeWanted({}), true, 'the default platform (npm run up, npm test)');
  t.equal(realNodeWanted({ KUBEHPC_LOCAL_DIR: '/tmp/x' }), false, 'a second platform in its own folder');
  t.equal(realNodeWanted({ KUBEHPC_PORT_BASE: '26000' }), false, 'a platform on its own ports');
  t.equal(realNodeWanted({ KUBEHPC_PORT_BASE: '26000', KUBEHPC_REAL_NODE: '1' }), true, 'asked for');
  t.equal(realNodeWanted({ KUBEHPC_REAL_NODE: '0' }), false, 'refused');
  t.throws(() => realNodeWanted({ KUBEHPC_REAL_NODE: 'maybe' }), /KUBEHPC_REAL_NODE must be 1 or 0/);
});

t.test("the real node's ports follow the port base and clash with no other", async (t) => {
  const ports = Object.values(layout({ KUBEHPC_PORT_BASE: '26000' }).ports);
  t.equal(new Set(ports).size, ports.length, 'all distinct with a base');
  const defaults = Object.values(layout({}).ports);
  t.equal(new Set(defaults).size, defaults.length, 'all distinct by default');
  const l = layout({ KUBEHPC_PORT_BASE: '26000' });
  t.same([l.ports.kubelet, l.ports.kubeletHealthz, l.ports.containerdMetrics], [26012, 26013, 26014]);
});
