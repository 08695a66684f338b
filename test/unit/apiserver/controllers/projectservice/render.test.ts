import { createHash } from 'node:crypto';
import type { V1PodSpec } from '@kubernetes/client-node';
import t from 'tap';
import { selectorString } from '../../../../../apiserver/src/controllers/projectservice/identity.ts';
import {
  CONFIG_HASH_ANNOTATION,
  configHash,
  DATA_FS_GROUP,
} from '../../../../../apiserver/src/controllers/projectservice/pod.ts';
import { render } from '../../../../../apiserver/src/controllers/projectservice/render.ts';
import {
  CORE_SERVICE_LABEL,
  DATA_MOUNT_PATH,
  LOCAL_DISK_RESOURCE,
  NUMA_POLICY_ANNOTATION,
  PLACEMENT_RESOURCE,
  PROJECT_LABEL,
  SCHEDULER_EXTENDER_MANAGED_RESOURCES,
  SERVICE_LABEL,
  SRIOV_VF_RESOURCE,
} from '../../../../../common/names.ts';
import { missionExample, projectService, UID } from './fixtures.ts';

const podSpec = (children: ReturnType<typeof render>): V1PodSpec => {
  const spec = children.deployment.spec?.template.spec;
  if (!spec) throw new Error('no pod spec');
  return spec;
};
const mainContainer = (children: ReturnType<typeof render>) => {
  const c = podSpec(children).containers[0];
  if (!c) throw new Error('no container');
  return c;
};

t.test('a minimal service is a Deployment alone, named after the service', async (t) => {
  const children = render(projectService());
  t.equal(children.deployment.metadata?.name, 'portal');
  t.equal(children.deployment.metadata?.namespace, 'climate');
  t.equal(children.deployment.apiVersion, 'apps/v1');
  t.equal(children.deployment.kind, 'Deployment');
  t.equal(children.deployment.spec?.replicas, 1, 'the schema default of one replica');
  t.equal(children.service, undefined, 'no ports, no Service');
  t.equal(children.configMap, undefined, 'no config, no ConfigMap');
  t.equal(mainContainer(children).image, 'registry.example/portal:1.4.2');
  t.equal(mainContainer(children).resources, undefined, 'nothing requested, nothing rendered');
  t.equal(podSpec(children).volumes, undefined);
});

t.test('the mission example renders Deployment, Service and ConfigMap with the spec names', async (t) => {
  const children = render(missionExample());
  t.equal(children.deployment.metadata?.name, 'portal');
  t.equal(children.service?.metadata?.name, 'portal');
  t.equal(children.configMap?.metadata?.name, 'portal-config');
  t.equal(children.deployment.spec?.replicas, 3);
});

t.test(
  'every child is labelled for the project and the service and owned by the ProjectService',
  async (t) => {
    const children = render(missionExample());
    const expectedOwner = {
      apiVersion: 'apps.kubehpc.dev/v1alpha1',
      kind: 'ProjectService',
      name: 'portal',
      uid: UID,
      controller: true,
      blockOwnerDeletion: true,
    };
    const components = { Deployment: 'workload', Service: 'network', ConfigMap: 'config' } as const;
    for (const child of [children.deployment, children.service, children.configMap]) {
      const kind = child?.kind as keyof typeof components;
      t.same(child?.metadata?.ownerReferences, [expectedOwner], `${kind} owned by the service`);
      t.strictSame(
        child?.metadata?.labels,
        {
          'app.kubernetes.io/component': components[kind],
          'app.kubernetes.io/instance': 'portal',
          'app.kubernetes.io/managed-by': 'kubehpc',
          'app.kubernetes.io/name': 'portal',
          'app.kubernetes.io/part-of': 'climate',
          [PROJECT_LABEL]: 'climate',
          [SERVICE_LABEL]: 'portal',
        },
        `${kind} labels`,
      );
    }
    const podLabels = children.deployment.spec?.template.metadata?.labels ?? {};
    t.equal(podLabels[PROJECT_LABEL], 'climate', 'pods carry the project label');
    t.equal(podLabels[SERVICE_LABEL], 'portal', 'pods carry the service label the extender reads');
    t.equal(podLabels['app.kubernetes.io/component'], 'workload');
  },
);

t.test('the Deployment and the Service select the pods by the service label alone', async (t) => {
  const ps = missionExample();
  const children = render(ps);
  const selector = { [SERVICE_LABEL]: 'portal' };
  t.strictSame(children.deployment.spec?.selector, { matchLabels: selector });
  t.strictSame(children.service?.spec?.selector, selector);
  const podLabels = children.deployment.spec?.template.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(selector))
    t.equal(podLabels[k], v, 'the template matches its selector');
  t.equal(
    selectorString(ps),
    'kubehpc.dev/service=portal',
    'the same selector as the scale subresource gives it',
  );
});

t.test('ports become container ports and a ClusterIP Service targeting them by name', async (t) => {
  const children = render(
    projectService({
      ports: [
        { name: 'http', port: 8080 },
        { name: 'stats', port: 8125, protocol: 'UDP' },
      ],
    }),
  );
  t.strictSame(mainContainer(children).ports, [
    { containerPort: 8080, name: 'http', protocol: 'TCP' },
    { containerPort: 8125, name: 'stats', protocol: 'UDP' },
  ]);
  t.strictSame(children.service?.spec, {
    ports: [
      { name: 'http', port: 8080, protocol: 'TCP', targetPort: 'http' },
      { name: 'stats', port: 8125, protocol: 'UDP', targetPort: 'stats' },
    ],
    selector: { [SERVICE_LABEL]: 'portal' },
    type: 'ClusterIP',
  });
});

t.test(
  'config files become a ConfigMap mounted as a read-only directory, never through subPath',
  async (t) => {
    const children = render(
      projectService({
        config: { mountPath: '/app/config', files: { 'z.yml': 'z', 'a.properties': 'a=1' } },
      }),
    );
    t.strictSame(children.configMap?.data, { 'a.properties': 'a=1', 'z.yml': 'z' });
    t.same(Object.keys(children.configMap?.data ?? {}), ['a.properties', 'z.yml'], 'keys in stable order');
    t.strictSame(podSpec(children).volumes, [{ name: 'config', configMap: { name: 'portal-config' } }]);
    const mounts = mainContainer(children).volumeMounts ?? [];
    t.strictSame(mounts, [{ mountPath: '/app/config', name: 'config', readOnly: true }]);
    t.ok(
      mounts.every((m) => m.subPath === undefined && m.subPathExpr === undefined),
      'a subPath mount would never see the kubelet swap the files',
    );
  },
);

t.test(
  'config without files still gets its ConfigMap and volume, so the first file arrives live',
  async (t) => {
    const without = render(projectService({ config: { mountPath: '/etc/app' } }));
    const withFile = render(projectService({ config: { mountPath: '/etc/app', files: { 'a.conf': 'x' } } }));
    t.strictSame(without.configMap?.data, {});
    t.strictSame(without.deployment, withFile.deployment, 'adding a file does not touch the Deployment');
  },
);

t.test('onChange Live: changing the files never changes the Deployment, so no pod restarts', async (t) => {
  const before = render(
    projectService({ config: { mountPath: '/c', files: { 'a.yml': 'v: 1' }, onChange: 'Live' } }),
  );
  const after = render(
    projectService({ config: { mountPath: '/c', files: { 'a.yml': 'v: 2' }, onChange: 'Live' } }),
  );
  t.not(before.configMap?.data?.['a.yml'], after.configMap?.data?.['a.yml'], 'the ConfigMap changes');
  t.strictSame(before.deployment, after.deployment, 'the Deployment does not');
  t.equal(before.deployment.spec?.template.metadata?.annotations, undefined, 'no hash in the template');
});

t.test(
  'onChange Restart: the files content hash in the pod template rolls the replicas on change',
  async (t) => {
    const spec = (files: Record<string, string>) =>
      projectService({ config: { mountPath: '/c', files, onChange: 'Restart' } });
    const hashOf = (files: Record<string, string>) =>
      render(spec(files)).deployment.spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
    const h1 = hashOf({ 'a.yml': 'v: 1', 'b.yml': 'w' });
    t.match(h1, /^[0-9a-f]{64}$/);
    // The documented encoding — SHA-256 of the JSON list of [name, content] pairs sorted by
    // name — computed here independently of the code under test.
    const expected = createHash('sha256').update('[["a.yml","v: 1"],["b.yml","w"]]').digest('hex');
    t.equal(h1, expected);
    t.equal(hashOf({ 'b.yml': 'w', 'a.yml': 'v: 1' }), h1, 'independent of key order');
    t.not(hashOf({ 'a.yml': 'v: 2', 'b.yml': 'w' }), h1, 'a content change changes it');
    t.not(hashOf({ 'a.yml': 'v: 1', 'c.yml': 'w' }), h1, 'a rename changes it');
    t.not(
      configHash({ mountPath: '/c', files: { a: 'bc' } }),
      configHash({ mountPath: '/c', files: { ab: 'c' } }),
      'no ambiguity between where a name ends and its content begins',
    );
  },
);

t.test('SR-IOV VFs are the extended resource in requests and limits alike', async (t) => {
  const c = mainContainer(render(projectService({ hardware: { sriovVFs: 2 } })));
  t.equal(c.resources?.limits?.[SRIOV_VF_RESOURCE], '2');
  t.equal(c.resources?.requests?.[SRIOV_VF_RESOURCE], '2');
  t.equal(c.resources?.limits?.[PLACEMENT_RESOURCE], undefined, 'VFs already bring the extender in');
});

t.test('local disk is requested as the extender-managed resource', async (t) => {
  const c = mainContainer(render(projectService({ hardware: { localDisk: '50Gi' } })));
  t.equal(c.resources?.requests?.[LOCAL_DISK_RESOURCE], '50Gi');
  t.equal(c.resources?.limits?.[LOCAL_DISK_RESOURCE], '50Gi', 'extended resources need equal limits');
  t.equal(c.resources?.requests?.[PLACEMENT_RESOURCE], undefined);
});

t.test('local disk through a StorageClass is one claim per replica, mounted at /data', async (t) => {
  const children = render(projectService({ hardware: { localDisk: '50Gi' } }), {
    localDiskStorageClass: 'topolvm',
  });
  const volume = podSpec(children).volumes?.find((v) => v.name === 'data');
  t.strictSame(volume?.ephemeral?.volumeClaimTemplate?.spec, {
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: '50Gi' } },
    storageClassName: 'topolvm',
  });
  const claimLabels = volume?.ephemeral?.volumeClaimTemplate?.metadata?.labels ?? {};
  t.equal(claimLabels[SERVICE_LABEL], 'portal', 'each replica claim is labelled for its service');
  t.equal(claimLabels[PROJECT_LABEL], 'climate');
  t.strictSame(mainContainer(children).volumeMounts, [{ mountPath: DATA_MOUNT_PATH, name: 'data' }]);
  t.equal(
    podSpec(children).securityContext?.fsGroup,
    DATA_FS_GROUP,
    'a non-root process can write the new volume',
  );
});

t.test('local disk without a StorageClass is a size-capped emptyDir and needs no fsGroup', async (t) => {
  const children = render(projectService({ hardware: { localDisk: '10Gi' } }));
  const volume = podSpec(children).volumes?.find((v) => v.name === 'data');
  t.strictSame(volume, { name: 'data', emptyDir: { sizeLimit: '10Gi' } });
  t.equal(podSpec(children).securityContext?.fsGroup, undefined);
  t.strictSame(mainContainer(children).volumeMounts, [{ mountPath: DATA_MOUNT_PATH, name: 'data' }]);
});

t.test(
  'single NUMA node: the policy annotation, and the placement marker when nothing else brings the extender in',
  async (t) => {
    const numaOnly = render(
      projectService({ hardware: { numa: 'SingleNode' }, resources: { cpu: '2', memory: '1Gi' } }),
    );
    t.equal(numaOnly.deployment.spec?.template.metadata?.annotations?.[NUMA_POLICY_ANNOTATION], 'SingleNode');
    t.equal(mainContainer(numaOnly).resources?.requests?.[PLACEMENT_RESOURCE], '1');
    t.equal(mainContainer(numaOnly).resources?.limits?.[PLACEMENT_RESOURCE], '1');
    const numaWithVFs = render(projectService({ hardware: { numa: 'SingleNode', sriovVFs: 1 } }));
    t.equal(mainContainer(numaWithVFs).resources?.requests?.[PLACEMENT_RESOURCE], undefined);
    const numaWithDisk = render(projectService({ hardware: { numa: 'SingleNode', localDisk: '1Gi' } }));
    t.equal(mainContainer(numaWithDisk).resources?.requests?.[PLACEMENT_RESOURCE], undefined);
    const none = render(projectService({ hardware: { numa: 'None' } }));
    t.equal(
      none.deployment.spec?.template.metadata?.annotations,
      undefined,
      'the default policy is not written',
    );
    t.equal(mainContainer(none).resources, undefined);
  },
);

t.test(
  'a core service: the core label on pods, and the placement marker unless VFs or disk are asked',
  async (t) => {
    const core = render(projectService({ core: true }));
    t.equal(core.deployment.spec?.template.metadata?.labels?.[CORE_SERVICE_LABEL], 'true');
    t.equal(mainContainer(core).resources?.requests?.[PLACEMENT_RESOURCE], '1');
    t.equal(
      core.deployment.metadata?.labels?.[CORE_SERVICE_LABEL],
      undefined,
      'only pods are counted per node',
    );
    const coreWithVFs = render(projectService({ core: true, hardware: { sriovVFs: 1 } }));
    t.equal(mainContainer(coreWithVFs).resources?.requests?.[PLACEMENT_RESOURCE], undefined);
    const plain = render(projectService({ core: false }));
    t.equal(plain.deployment.spec?.template.metadata?.labels?.[CORE_SERVICE_LABEL], undefined);
  },
);

t.test('every extended resource rendered is one the scheduler extender manages', async (t) => {
  const managed = new Set<string>(SCHEDULER_EXTENDER_MANAGED_RESOURCES.map((r) => r.name));
  for (const ps of [
    missionExample(),
    projectService({ core: true }),
    projectService({ hardware: { numa: 'SingleNode' } }),
  ]) {
    const requests = mainContainer(render(ps)).resources?.requests ?? {};
    for (const name of Object.keys(requests)) {
      if (name === 'cpu' || name === 'memory') continue;
      t.ok(managed.has(name), `${name} is managed by the extender`);
    }
  }
});

t.test('cpu and memory are requests and limits alike (Guaranteed QoS)', async (t) => {
  const c = mainContainer(render(projectService({ resources: { cpu: '500m', memory: '4Gi' } })));
  t.strictSame(c.resources, {
    limits: { cpu: '500m', memory: '4Gi' },
    requests: { cpu: '500m', memory: '4Gi' },
  });
});

t.test('the health check is the readiness and the liveness probe', async (t) => {
  const http = mainContainer(
    render(
      projectService({
        ports: [{ name: 'http', port: 8080 }],
        healthCheck: { http: { path: '/healthz', port: 'http' }, periodSeconds: 5, initialDelaySeconds: 3 },
      }),
    ),
  );
  const expected = {
    httpGet: { path: '/healthz', port: 'http' },
    failureThreshold: 3,
    initialDelaySeconds: 3,
    periodSeconds: 5,
    timeoutSeconds: 1,
  };
  t.strictSame(http.readinessProbe, expected);
  t.strictSame(http.livenessProbe, expected);
  t.not(http.readinessProbe, http.livenessProbe, 'two objects, so mutating one never changes the other');
  const tcp = mainContainer(
    render(projectService({ ports: [{ name: 'grpc', port: 9000 }], healthCheck: { tcp: { port: 'grpc' } } })),
  );
  t.strictSame(tcp.readinessProbe, {
    tcpSocket: { port: 'grpc' },
    failureThreshold: 3,
    periodSeconds: 10,
    timeoutSeconds: 1,
  });
  t.equal(
    tcp.readinessProbe?.initialDelaySeconds,
    undefined,
    'a zero delay is left out, as the API server would',
  );
  t.equal(mainContainer(render(projectService())).readinessProbe, undefined, 'no check, no probe');
});

t.test('image, command, args and env come through in order; an empty value is left out', async (t) => {
  const c = mainContainer(
    render(
      projectService({
        command: ['/bin/app'],
        args: ['--port', '8080'],
        env: [
          { name: 'B', value: '2' },
          { name: 'A', value: '' },
          { name: 'C', value: '$(B)' },
        ],
      }),
    ),
  );
  t.strictSame(c.command, ['/bin/app']);
  t.strictSame(c.args, ['--port', '8080']);
  t.strictSame(
    c.env,
    [{ name: 'B', value: '2' }, { name: 'A' }, { name: 'C', value: '$(B)' }],
    'order kept: $(VAR) depends on it',
  );
  t.equal(c.name, 'portal');
  t.equal(c.terminationMessagePolicy, 'FallbackToLogsOnError');
});

t.test('pods run non-root, unprivileged, without capabilities, under RuntimeDefault seccomp', async (t) => {
  const spec = podSpec(render(missionExample()));
  t.equal(spec.securityContext?.runAsNonRoot, true);
  t.strictSame(spec.securityContext?.seccompProfile, { type: 'RuntimeDefault' });
  t.strictSame(mainContainer(render(missionExample())).securityContext, {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
  });
  t.equal(spec.automountServiceAccountToken, false, 'no API credentials in the service');
  t.equal(spec.enableServiceLinks, false);
});

/** The Pod Security Standards "restricted" profile (v1.36), as far as a pod spec can break it. */
function restrictedViolations(spec: V1PodSpec): string[] {
  const out: string[] = [];
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) out.push('host namespaces');
  if (spec.hostUsers === true) out.push('hostUsers');
  if (spec.securityContext?.sysctls?.length) out.push('sysctls');
  const allowedVolumes = [
    'configMap',
    'csi',
    'downwardAPI',
    'emptyDir',
    'ephemeral',
    'persistentVolumeClaim',
    'projected',
    'secret',
  ];
  for (const v of spec.volumes ?? []) {
    const kinds = Object.keys(v).filter((k) => k !== 'name');
    if (!kinds.every((k) => allowedVolumes.includes(k))) out.push(`volume ${v.name}: ${kinds.join(',')}`);
  }
  const podNonRoot = spec.securityContext?.runAsNonRoot === true;
  const podSeccomp = spec.securityContext?.seccompProfile?.type;
  if (spec.securityContext?.runAsUser === 0) out.push('runAsUser 0');
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const sc = c.securityContext;
    if (sc?.privileged) out.push(`${c.name}: privileged`);
    if (sc?.allowPrivilegeEscalation !== false) out.push(`${c.name}: allowPrivilegeEscalation`);
    if (!(sc?.runAsNonRoot === true || (podNonRoot && sc?.runAsNonRoot !== false)))
      out.push(`${c.name}: runAsNonRoot`);
    if (sc?.runAsUser === 0) out.push(`${c.name}: runAsUser 0`);
    const seccomp = sc?.seccompProfile?.type ?? podSeccomp;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`${c.name}: seccomp`);
    if (!sc?.capabilities?.drop?.includes('ALL')) out.push(`${c.name}: capabilities not dropped`);
    if ((sc?.capabilities?.add ?? []).some((cap) => cap !== 'NET_BIND_SERVICE'))
      out.push(`${c.name}: capabilities added`);
    if ((c.ports ?? []).some((p) => p.hostPort)) out.push(`${c.name}: hostPort`);
    if (sc?.procMount && sc.procMount !== 'Default') out.push(`${c.name}: procMount`);
  }
  return out;
}

t.test('every combination of spec features renders a pod the restricted profile admits', async (t) => {
  let checked = 0;
  for (const ports of [undefined, [{ name: 'http', port: 80 }]]) {
    for (const config of [undefined, { mountPath: '/c', files: { a: 'b' }, onChange: 'Restart' as const }]) {
      for (const hardware of [undefined, { sriovVFs: 4, numa: 'SingleNode' as const, localDisk: '1Gi' }]) {
        for (const storageClass of [undefined, 'topolvm']) {
          for (const core of [false, true]) {
            const spec = podSpec(
              render(
                projectService({
                  ...(ports ? { ports } : {}),
                  ...(config ? { config } : {}),
                  ...(hardware ? { hardware } : {}),
                  core,
                }),
                {
                  localDiskStorageClass: storageClass,
                },
              ),
            );
            t.strictSame(
              restrictedViolations(spec),
              [],
              JSON.stringify({ ports, config, hardware, storageClass, core }),
            );
            checked++;
          }
        }
      }
    }
  }
  t.equal(checked, 32);
  t.same(
    restrictedViolations({
      containers: [{ name: 'x', securityContext: { privileged: true } }],
      hostNetwork: true,
    }).length > 0,
    true,
    'the checker itself refuses what it should',
  );
});

t.test('rendering is deterministic: same input, byte-identical output', async (t) => {
  const a = JSON.stringify(render(missionExample(), { localDiskStorageClass: 'topolvm' }));
  const b = JSON.stringify(render(missionExample(), { localDiskStorageClass: 'topolvm' }));
  t.equal(a, b);
  const children = render(missionExample());
  const labels = Object.keys(children.deployment.spec?.template.metadata?.labels ?? {});
  t.strictSame(labels, [...labels].sort(), 'label keys sorted');
  const requests = Object.keys(mainContainer(children).resources?.requests ?? {});
  t.strictSame(requests, [...requests].sort(), 'resource names sorted');
});

t.test('rendering does not alias the input: mutating the output leaves the service as it was', async (t) => {
  const ps = projectService({ command: ['/bin/app'], config: { mountPath: '/c', files: { a: '1' } } });
  const before = JSON.stringify(ps);
  const children = render(ps);
  mainContainer(children).command?.push('--evil');
  if (children.configMap?.data) children.configMap.data.a = '2';
  t.equal(JSON.stringify(ps), before);
});

t.test('the progress deadline is explicit, default or configured', async (t) => {
  t.equal(render(projectService()).deployment.spec?.progressDeadlineSeconds, 600);
  t.equal(
    render(projectService(), { progressDeadlineSeconds: 120 }).deployment.spec?.progressDeadlineSeconds,
    120,
  );
});
