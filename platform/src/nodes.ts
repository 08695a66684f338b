// Creating the simulated nodes (and their NodeResourceTopology objects) on the cluster from
// the fixture. Existing nodes that already match are left alone, so `up` is idempotent.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { SRIOV_VF_RESOURCE } from '../../common/names.ts';
import { expandFixture, nodeObject, parseFixture, type SimulatedNode, topologyObject } from './fixture.ts';

const FIELD_MANAGER = 'kubehpc-platform';

function statusCode(error: unknown): number | undefined {
  return (error as { code?: number }).code;
}

function sameCapacity(existing: KubernetesObject, wanted: Record<string, unknown>): boolean {
  const have = (existing as { status?: { capacity?: Record<string, string> } }).status?.capacity ?? {};
  const want = (wanted as { status: { capacity: Record<string, string> } }).status.capacity;
  return (
    Object.entries(want).every(([k, v]) => have[k] === v) &&
    (have[SRIOV_VF_RESOURCE] === undefined) === (want[SRIOV_VF_RESOURCE] === undefined)
  );
}

function sameAnnotations(existing: KubernetesObject, wanted: KubernetesObject): boolean {
  const have = existing.metadata?.annotations ?? {};
  return Object.entries(wanted.metadata?.annotations ?? {}).every(([k, v]) => have[k] === v);
}

export async function loadFixture(repoRoot: string): Promise<SimulatedNode[]> {
  return expandFixture(
    parseFixture(await readFile(join(repoRoot, 'platform', 'fixtures', 'nodes.yaml'), 'utf8')),
  );
}

/**
 * Makes the cluster's simulated nodes match the fixture: missing nodes are created, nodes
 * whose capacity changed are recreated (status is only settable on create), topology
 * objects are applied.
 */
export async function ensureNodes(
  kc: KubeConfig,
  nodes: SimulatedNode[],
  log: (line: string) => void,
): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  let created = 0;
  for (const node of nodes) {
    const wanted = nodeObject(node) as unknown as KubernetesObject;
    let existing: KubernetesObject | undefined;
    try {
      existing = await client.read({ apiVersion: 'v1', kind: 'Node', metadata: { name: node.name } });
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
    }
    if (existing && !sameCapacity(existing, wanted as unknown as Record<string, unknown>)) {
      log(`node ${node.name}: capacity differs from the fixture, recreating it`);
      await client.delete(existing);
      existing = undefined;
    }
    if (!existing) {
      await client.create(wanted, undefined, undefined, FIELD_MANAGER);
      created++;
    } else if (!sameAnnotations(existing, wanted)) {
      // A node made before an annotation joined the fixture (metrics-server's path, say).
      await client.patch(
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: node.name, annotations: wanted.metadata?.annotations ?? {} },
        },
        undefined,
        undefined,
        FIELD_MANAGER,
        undefined,
        PatchStrategy.MergePatch,
      );
    }
    await client.patch(
      topologyObject(node) as unknown as KubernetesObject,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
  }
  log(`${nodes.length} simulated nodes (${created} created)`);
}
