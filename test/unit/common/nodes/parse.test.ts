import t from 'tap';
import { nodeCapacity, topologyZones } from '../../../../common/nodes/parse.ts';
import { Gi, node, topology } from '../../scheduler-extender/builders.ts';

t.test('node capacity: VFs from allocatable, disk from the TopoLVM annotation', async (t) => {
  t.same(nodeCapacity(node('hpc-0', { vfs: 16, diskGi: 1536 })), {
    name: 'hpc-0',
    vfs: 16,
    disk: { state: 'ok', value: 1536 * Gi },
  });
  t.equal(nodeCapacity(node('g', {})).vfs, 0, 'no VF resource: 0');
  t.match(nodeCapacity(node('g', {})).disk, { state: 'missing' });
  t.match(nodeCapacity(node('g', { diskRaw: 'plenty' })).disk, {
    state: 'invalid',
    reason: /not a byte count: "plenty"/,
  });
  t.match(
    nodeCapacity(node('g', { diskRaw: '-5' })).disk,
    { state: 'invalid' },
    'negative is not a capacity',
  );
  t.match(nodeCapacity({}), { name: '', vfs: 0 }, 'an empty object does not throw');
});

t.test('topology zones: NUMA nodes with CPU, memory and VFs', async (t) => {
  const z = topologyZones(
    topology('hpc-0', [
      { cpu: 32, memoryGi: 128, vfs: 8 },
      { cpu: 32, memoryGi: 128, vfs: 8 },
    ]),
  );
  t.equal(z.state, 'ok');
  if (z.state !== 'ok') return;
  t.equal(z.value.length, 2);
  t.same(z.value[0], {
    name: 'node-0',
    cpu: { allocatable: 32, available: 32 },
    memory: { allocatable: 128 * Gi, available: 128 * Gi },
    vfs: { allocatable: 8, available: 8 },
  });
});

t.test('zones that are not NUMA nodes are ignored; available never exceeds allocatable', async (t) => {
  const z = topologyZones({
    zones: [
      { name: 'socket-0', type: 'Socket', resources: [] },
      { name: 'node-0', type: 'Node', resources: [{ name: 'cpu', allocatable: '8', available: '16' }] },
    ],
  });
  t.match(z, { state: 'ok', value: [{ name: 'node-0', cpu: { allocatable: 8, available: 8 } }] });
});

t.test('malformed topologies are invalid with a reason', async (t) => {
  t.match(topologyZones({}), { state: 'invalid', reason: /no zones list/ });
  t.match(topologyZones(null), { state: 'invalid' });
  t.match(topologyZones({ zones: [{ type: 'Node' }] }), { state: 'invalid', reason: /zone 0 has no name/ });
  t.match(topologyZones({ zones: [{ name: 'n', type: 'Node', resources: 'x' }] }), {
    state: 'invalid',
    reason: /no resources list/,
  });
  t.match(
    topologyZones({
      zones: [
        { name: 'n', type: 'Node', resources: [{ name: 'memory', allocatable: 'lots', available: '1' }] },
      ],
    }),
    { state: 'invalid', reason: /malformed memory amount/ },
  );
});
