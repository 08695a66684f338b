// ProjectService: its table columns and its scale subresource.

import type { ServiceEndpoint } from '../../../../../common/apis/apps/v1alpha1/exposure.ts';
import { PROJECT_SERVICE } from '../../../../../common/apis/apps/v1alpha1/register.ts';
import type {
  ProjectServiceSpec,
  ProjectServiceStatus,
} from '../../../../../common/apis/apps/v1alpha1/types.ts';
import { SERVICE_LABEL } from '../../../../../common/names.ts';
import { age, type Strategy } from '../../strategy.ts';
import { admitReferences } from './admission.ts';

export const projectServiceStrategy: Strategy<ProjectServiceSpec, ProjectServiceStatus> = {
  definition: PROJECT_SERVICE,
  columns: [
    { name: 'Name', type: 'string', format: 'name', description: 'Name of the service.', priority: 0 },
    { name: 'Ready', type: 'string', description: 'Ready replicas / desired replicas.', priority: 0 },
    {
      name: 'Phase',
      type: 'string',
      description: 'Pending, Progressing, Running, Degraded or Failed.',
      priority: 0,
    },
    { name: 'Image', type: 'string', description: 'Container image.', priority: 0 },
    { name: 'Age', type: 'date', description: 'Time since creation.', priority: 0 },
    { name: 'Up-to-date', type: 'integer', description: 'Replicas running the current spec.', priority: 1 },
    { name: 'Available', type: 'integer', description: 'Replicas available to serve.', priority: 1 },
    { name: 'Endpoint', type: 'string', description: 'In-cluster address.', priority: 1 },
    {
      name: 'Hardware',
      type: 'string',
      description: 'SR-IOV VFs, NUMA and local disk per replica.',
      priority: 1,
    },
    {
      name: 'External',
      type: 'string',
      description: 'Addresses outside the cluster: node ports, Ingress and HTTPRoute URLs.',
      priority: 1,
    },
  ],
  row(o, now) {
    const hw = o.spec.hardware;
    const hardware = [
      hw?.sriovVFs ? `vf=${hw.sriovVFs}` : '',
      hw?.numa === 'SingleNode' ? 'numa=single' : '',
      hw?.localDisk ? `disk=${hw.localDisk}` : '',
    ].filter(Boolean);
    return [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec.replicas ?? 1}`,
      o.status?.phase ?? 'Pending',
      o.spec.image,
      age(o.metadata.creationTimestamp, now),
      o.status?.updatedReplicas ?? 0,
      o.status?.availableReplicas ?? 0,
      o.status?.endpoint ?? '<none>',
      hardware.length > 0 ? hardware.join(',') : '<none>',
      externalEndpoints(o.status?.endpoints),
    ];
  },
  admit: admitReferences,
  scale: {
    specReplicas: (o) => o.spec.replicas ?? 1,
    setSpecReplicas: (o, replicas) => {
      o.spec.replicas = replicas;
    },
    statusReplicas: (o) => o.status?.replicas ?? 0,
    // The controller reports the selector it uses; until then it is the one it will use.
    selector: (o) => o.status?.selector || `${SERVICE_LABEL}=${o.metadata.name}`,
  },
};

/** The exposed endpoints, comma-separated, as the External column shows them. */
function externalEndpoints(endpoints: readonly ServiceEndpoint[] | undefined): string {
  const external = (endpoints ?? []).filter((e) => e.type !== 'ClusterIP').map((e) => e.url);
  return external.length > 0 ? external.join(',') : '<none>';
}
