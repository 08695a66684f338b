import t from 'tap';
import {
  CORE_SERVICE_LABEL,
  LOCAL_DISK_RESOURCE,
  SERVICE_LABEL,
  SRIOV_VF_RESOURCE,
} from '../../../../common/names.ts';
import { isIndifferent, podDemand } from '../../../../common/nodes/demand.ts';
import { disk, Gi, pod, vfs } from '../../scheduler-extender/builders.ts';

t.test('reads VFs, local disk, CPU, memory and the NUMA policy from the pod', async (t) => {
  const d = podDemand(
    pod('p', { cpu: '500m', memory: '2Gi', ...vfs(3), ...disk(100) }, { numa: 'SingleNode' }),
  );
  t.match(d, {
    key: 'ns/p',
    uid: 'uid-p',
    cpu: 0.5,
    memory: 2 * Gi,
    vfs: 3,
    localDisk: 100 * Gi,
    singleNuma: true,
    problems: [],
  });
  t.notOk(isIndifferent(d));
});

t.test('effective requests: containers summed, init containers maxed, overhead added', async (t) => {
  const d = podDemand({
    metadata: { name: 'p' },
    spec: {
      containers: [
        { resources: { requests: { cpu: '1' } } },
        { resources: { limits: { [SRIOV_VF_RESOURCE]: '2' } } },
      ],
      initContainers: [{ resources: { requests: { cpu: '4' } } }],
      overhead: { cpu: '250m' },
    },
  });
  t.equal(d.cpu, 4.25);
  t.equal(d.vfs, 2, 'an extended resource given as a limit only counts as its request');
});

t.test('a pod asking for nothing is indifferent', async (t) => {
  t.ok(isIndifferent(podDemand(pod('p', { cpu: '1' }))));
  t.ok(isIndifferent(podDemand({})), 'even an empty object');
});

t.test('core services are identified by namespace and service label', async (t) => {
  const d = podDemand(pod('p-1', {}, { labels: { [CORE_SERVICE_LABEL]: 'true', [SERVICE_LABEL]: 'api' } }));
  t.equal(d.coreService, 'ns/api');
  t.equal(podDemand(pod('p', {}, { labels: { [CORE_SERVICE_LABEL]: 'false' } })).coreService, undefined);
});

t.test('malformed hints become problems, never exceptions', async (t) => {
  t.match(podDemand(pod('p', {}, { numa: 'Both' })).problems, [/must be SingleNode or None, got "Both"/]);
  t.match(podDemand(pod('p', { [LOCAL_DISK_RESOURCE]: 'lots' })).problems, [
    /"lots" is not a valid quantity/,
  ]);
  t.match(podDemand(pod('p', { [SRIOV_VF_RESOURCE]: '1500m' })).problems, [/whole number of VFs/]);
});
