// The NodeResourceTopology built from a fake sysfs: one zone per NUMA node with CPUs, memory
// and VFs per pool, in the same shape the local platform writes for simulated nodes.

import t from 'tap';
import { SRIOV_VF_RESOURCE } from '../../../common/names.ts';
import { assignPools } from '../../../device-plugins/src/selection/pools.ts';
import { discover } from '../../../device-plugins/src/sysfs/discovery.ts';
import { discoverNuma } from '../../../device-plugins/src/sysfs/numa.ts';
import { buildTopology, legacyPolicyName } from '../../../device-plugins/src/topology/nrt.ts';
import { topologyObject } from '../../../platform/src/fixture.ts';
import { DOWN_PF, standardSysfs } from './fake-sysfs.ts';

const POLICY = { policy: 'single-numa-node', scope: 'container' };

function topologyFrom(root: string, pools = [{ resourceName: SRIOV_VF_RESOURCE, selectors: {} }]) {
  const assigned = assignPools({ pools }, discover(root).pfs).pools;
  return buildTopology('hpc-test', discoverNuma(root).nodes, assigned, POLICY);
}

t.test('matches the shape the local platform writes for the same hardware', async (t) => {
  const fake = standardSysfs();
  t.teardown(() => fake.remove());
  fake.setOperstate(DOWN_PF.address, 'up');
  const ours = topologyFrom(fake.root);
  const platforms = topologyObject({
    name: 'hpc-test',
    className: 'hpc',
    cpus: 8,
    memoryBytes: 16 * 2 ** 30,
    sriovVFs: 10,
    localDiskBytes: 0,
    pods: 110,
    zones: [
      { name: 'node-0', cpus: 4, memoryBytes: 8 * 2 ** 30, sriovVFs: 6 },
      { name: 'node-1', cpus: 4, memoryBytes: 8 * 2 ** 30, sriovVFs: 4 },
    ],
  }) as Record<string, unknown>;
  t.equal(ours.apiVersion, platforms.apiVersion);
  t.equal(ours.kind, platforms.kind);
  t.same(ours.topologyPolicies, platforms.topologyPolicies);
  t.same(ours.attributes, platforms.attributes);
  t.same(
    ours.zones.map(({ costs: _costs, ...zone }) => zone),
    platforms.zones,
  );
  t.same(ours.zones[0]?.costs, [
    { name: 'node-0', value: 10 },
    { name: 'node-1', value: 21 },
  ]);
});

t.test('VFs of a PF with its link down count in capacity but not in allocatable', async (t) => {
  const fake = standardSysfs();
  t.teardown(() => fake.remove());
  const zone0 = topologyFrom(fake.root).zones[0];
  t.same(
    zone0?.resources.find((r) => r.name === SRIOV_VF_RESOURCE),
    { name: SRIOV_VF_RESOURCE, capacity: '6', allocatable: '4', available: '4' },
  );
});

t.test('one resource per pool in each zone, pools with no VF in a zone left out', async (t) => {
  const fake = standardSysfs();
  t.teardown(() => fake.remove());
  const nrt = topologyFrom(fake.root, [
    { resourceName: 'kubehpc.dev/netdev', selectors: { vendors: ['15b3'] } },
    { resourceName: 'kubehpc.dev/dpdk', selectors: { drivers: ['vfio-pci'] } },
  ]);
  t.same(
    nrt.zones.map((z) => z.resources.map((r) => `${r.name}=${r.capacity}`)),
    [
      ['cpu=4', 'memory=8Gi', 'kubehpc.dev/dpdk=4'],
      ['cpu=4', 'memory=8Gi', 'kubehpc.dev/netdev=4'],
    ],
  );
});

t.test('topology policy names for older readers', async (t) => {
  t.equal(legacyPolicyName({ policy: 'single-numa-node', scope: 'pod' }), 'SingleNUMANodePodLevel');
  t.equal(legacyPolicyName({ policy: 'restricted', scope: 'container' }), 'Restricted');
  t.equal(legacyPolicyName({ policy: 'best-effort', scope: 'container' }), 'BestEffort');
  t.equal(legacyPolicyName({ policy: 'none', scope: 'container' }), 'None');
});

t.test('the publisher writes only changes, retries a failed write, and forces on resync', async (t) => {
  const { TopologyPublisher } = await import('../../../device-plugins/src/topology/publisher.ts');
  const { silentLogger } = await import('../../../common/log.ts');
  const calls: Array<{ body: { metadata: { name: string } }; manager: string; strategy: string }> = [];
  let failuresLeft = 1;
  const client = {
    async patch(
      body: { metadata: { name: string } },
      _p: unknown,
      _d: unknown,
      manager: string,
      _f: boolean,
      strategy: string,
    ) {
      calls.push({ body, manager, strategy });
      if (failuresLeft-- > 0) throw new Error('apiserver unavailable');
      return body;
    },
  };
  let cpus = 4;
  const build = () =>
    buildTopology(
      'n1',
      [{ id: 0, cpus: Array.from({ length: cpus }, (_, i) => i), memoryBytes: 2 ** 30, distances: [] }],
      [],
      POLICY,
    );
  const results: string[] = [];
  const publisher = new TopologyPublisher(
    client as never,
    build,
    silentLogger,
    { published: () => results.push('ok'), failed: () => results.push('error') },
    20,
  );
  t.teardown(() => publisher.stop());
  await publisher.start(60_000);
  t.same(results, ['error']);
  t.notOk(publisher.healthy);
  for (let i = 0; i < 500 && results.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  t.same(results, ['error', 'ok'], 'the failed write was retried');
  t.ok(publisher.healthy);
  t.equal(calls[1]?.manager, 'kubehpc-device-plugin');
  t.equal(calls[1]?.strategy, 'application/apply-patch+yaml', 'server-side apply');
  await publisher.publish();
  t.equal(calls.length, 2, 'an unchanged object is not written again');
  cpus = 8;
  await publisher.publish();
  t.equal(calls.length, 3, 'a changed object is written');
  await publisher.publish(true);
  t.equal(calls.length, 4, 'a forced resync writes even without a change');
});
