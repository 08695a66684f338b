import t from 'tap';
import type { ZoneView } from '../../../common/nodes/node-view.ts';
import { localDiskFits } from '../../../scheduler-extender/src/predicates/localdisk.ts';
import { numaFits } from '../../../scheduler-extender/src/predicates/numa.ts';
import { sriovFits } from '../../../scheduler-extender/src/predicates/sriov.ts';
import { amount, demand, Gi, view, zone } from './builders.ts';

t.test('SR-IOV', async (t) => {
  t.test('passes when enough healthy VFs are free', async (t) => {
    t.same(sriovFits(demand({ vfs: 4 }), view()), { pass: true });
  });
  t.test('a node without VFs fails unresolvably', async (t) => {
    const v = sriovFits(demand({ vfs: 1 }), view({ vfs: amount(0) }));
    t.match(v, { pass: false, resolvable: false, reason: /no healthy VFs/ });
  });
  t.test('more VFs than the node has at all: unresolvable', async (t) => {
    t.match(sriovFits(demand({ vfs: 20 }), view()), {
      pass: false,
      resolvable: false,
      reason: 'SR-IOV: node has fewer than 20 healthy VFs',
    });
  });
  t.test('VFs taken by pods or holds: resolvable, and the reason names the holds', async (t) => {
    const v = sriovFits(demand({ vfs: 4 }), view({ vfs: amount(16, 2, 6) }));
    t.match(v, { pass: false, resolvable: true, reason: 'SR-IOV: 4 VFs not free (held for in-flight pods)' });
    const used = sriovFits(demand({ vfs: 4 }), view({ vfs: amount(16, 2, 0) }));
    t.match(used, { pass: false, resolvable: true, reason: 'SR-IOV: 4 VFs not free' });
  });
  t.test('aligned pod: VFs split across zones fail, naming the split', async (t) => {
    const zones = { state: 'ok' as const, value: [zone('node-0', 16, 64, 2), zone('node-1', 16, 64, 2)] };
    const v = sriovFits(demand({ vfs: 3, singleNuma: true }), view({ vfs: amount(4), zones }));
    t.match(v, {
      pass: false,
      resolvable: false,
      reason: /needs 3 VFs in one NUMA zone, the node's VFs are split/,
    });
    t.same(
      sriovFits(demand({ vfs: 3 }), view({ vfs: amount(4), zones })),
      { pass: true },
      'unaligned pod fits',
    );
  });
  t.test('aligned pod: a zone that could hold the VFs but has them in use fails resolvably', async (t) => {
    const busy = { ...zone('node-0', 32, 128, 8), vfs: amount(8, 1) };
    const zones = {
      state: 'ok' as const,
      value: [busy, { ...zone('node-1', 32, 128, 8), vfs: amount(8, 2) }],
    };
    const v = sriovFits(demand({ vfs: 3, singleNuma: true }), view({ vfs: amount(16, 13), zones }));
    t.same(v, { pass: false, resolvable: true, reason: 'SR-IOV: no NUMA zone has 3 VFs free' });
  });
  t.test('aligned pod on a node without topology is left to the NUMA predicate', async (t) => {
    const v = sriovFits(
      demand({ vfs: 2, singleNuma: true }),
      view({ zones: { state: 'missing', source: 'NRT' } }),
    );
    t.same(v, { pass: true });
  });
});

t.test('local disk', async (t) => {
  t.test('passes when free capacity covers the request', async (t) => {
    t.same(localDiskFits(demand({ localDisk: 500 * Gi }), view()), { pass: true });
  });
  t.test('missing annotation fails unresolvably, naming the annotation', async (t) => {
    const v = localDiskFits(demand({ localDisk: Gi }), view({ disk: { state: 'missing', source: 'x' } }));
    t.match(v, { pass: false, resolvable: false, reason: /capacity\.topolvm\.io\/00default/ });
  });
  t.test('malformed capacity fails with its reason', async (t) => {
    const v = localDiskFits(
      demand({ localDisk: Gi }),
      view({ disk: { state: 'invalid', source: 'x', reason: 'not a byte count: "lots"' } }),
    );
    t.match(v, { pass: false, resolvable: false, reason: /not a byte count/ });
  });
  t.test('more than the node publishes: unresolvable', async (t) => {
    const v = localDiskFits(demand({ localDisk: 2000 * Gi }), view());
    t.match(v, {
      pass: false,
      resolvable: false,
      reason: 'local disk: needs 2000Gi, more than the node has',
    });
  });
  t.test('capacity taken by in-flight pods: resolvable, reason names the holds', async (t) => {
    const v = localDiskFits(
      demand({ localDisk: 1000 * Gi }),
      view({ disk: { state: 'ok', value: amount(1536 * Gi, 336 * Gi, 1200 * Gi) } }),
    );
    t.match(v, {
      pass: false,
      resolvable: true,
      reason: 'local disk: 1000Gi not free (held for in-flight pods)',
    });
  });
  t.test('exactly the free capacity fits', async (t) => {
    t.same(localDiskFits(demand({ localDisk: 1536 * Gi }), view()), { pass: true });
  });
});

t.test('NUMA', async (t) => {
  const wants = demand({ singleNuma: true, cpu: 8, memory: 32 * Gi, vfs: 3 });
  t.test('passes when one zone holds CPU, memory and VFs together', async (t) => {
    t.same(numaFits(wants, view()), { pass: true });
  });
  t.test('fails when the resources exist only across zones', async (t) => {
    const zones = { state: 'ok' as const, value: [zone('node-0', 16, 64, 2), zone('node-1', 16, 64, 2)] };
    const v = numaFits(wants, view({ zones }));
    t.match(v, {
      pass: false,
      resolvable: false,
      reason: 'NUMA: no zone can hold 8 CPU, 32Gi memory and 3 VFs',
    });
  });
  t.test('fails resolvably when a zone could hold it once others leave', async (t) => {
    const busy: ZoneView = {
      ...zone('node-0', 32, 128, 8),
      cpu: amount(32, 4, 0),
    };
    const v = numaFits(wants, view({ zones: { state: 'ok', value: [busy] } }));
    t.match(v, {
      pass: false,
      resolvable: true,
      reason: 'NUMA: no zone has 8 CPU, 32Gi memory and 3 VFs free',
    });
  });
  t.test('CPU in one zone and VFs in the other do not add up', async (t) => {
    const zones = { state: 'ok' as const, value: [zone('node-0', 32, 128, 0), zone('node-1', 2, 128, 8)] };
    t.match(numaFits(wants, view({ zones })), { pass: false });
  });
  t.test('missing, malformed or empty topology fails with a reason', async (t) => {
    t.match(numaFits(wants, view({ zones: { state: 'missing', source: 'NodeResourceTopology' } })), {
      pass: false,
      resolvable: false,
      reason: 'NUMA: node has no NodeResourceTopology',
    });
    t.match(
      numaFits(wants, view({ zones: { state: 'invalid', source: 'NRT', reason: 'zone 0 has no name' } })),
      {
        pass: false,
        reason: /zone 0 has no name/,
      },
    );
    t.match(numaFits(wants, view({ zones: { state: 'ok', value: [] } })), {
      pass: false,
      reason: /no NUMA zones/,
    });
  });
});
