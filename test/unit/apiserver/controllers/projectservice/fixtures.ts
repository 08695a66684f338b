// ProjectServices as the controller receives them: admitted by the real decoder, so every
// schema default is in place exactly as the API server stores it.

import { PROJECT_SERVICE } from '../../../../../common/apis/apps/v1alpha1/register.ts';
import type { ProjectService, ProjectServiceSpec } from '../../../../../common/apis/apps/v1alpha1/types.ts';
import { decode, validateObject } from '../../../../../common/apis/decode.ts';
import type { ObjectMeta } from '../../../../../common/apis/meta/types.ts';

export const UID = '6f1c2a3b-0000-4000-8000-000000000001';

export function projectService(
  spec: Partial<ProjectServiceSpec> = {},
  metadata: Partial<ObjectMeta> = {},
): ProjectService {
  const { object } = decode(
    PROJECT_SERVICE,
    {
      apiVersion: 'apps.kubehpc.dev/v1alpha1',
      kind: 'ProjectService',
      metadata: { name: 'portal', namespace: 'climate', uid: UID, generation: 2, ...metadata },
      spec: { image: 'registry.example/portal:1.4.2', ...spec },
    },
    'Strict',
  );
  validateObject(PROJECT_SERVICE, object);
  return object;
}

/** The mission's example service: 3 replicas, a port, config, all three hardware needs, core. */
export function missionExample(): ProjectService {
  return projectService({
    replicas: 3,
    ports: [{ name: 'http', port: 8080 }],
    env: [{ name: 'JAVA_OPTS', value: '-Xmx2g' }],
    resources: { cpu: '2', memory: '4Gi' },
    config: {
      mountPath: '/app/config',
      files: { 'application.yml': 'server:\n  port: 8080\n' },
      onChange: 'Live',
    },
    hardware: { sriovVFs: 2, numa: 'SingleNode', localDisk: '50Gi' },
    core: true,
    healthCheck: { http: { path: '/healthz', port: 'http' } },
  });
}
