// The scale subresource (autoscaling/v1 Scale) of a kind that has one: the view of an
// object as a Scale, and the replicas a Scale write asks for. Pure; the Strategy's
// ScaleMapping says where replicas and the selector live.

import { errors } from '../../../common/apis/meta/errors.ts';
import type { TypedObject } from '../../../common/apis/meta/types.ts';
import type { ScaleMapping } from './strategy.ts';

export interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
  };
  spec: { replicas: number };
  status: { replicas: number; selector: string };
}

export function scaleOf<T extends TypedObject<unknown, unknown>>(mapping: ScaleMapping<T>, object: T): Scale {
  const m = object.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      ...(m.name ? { name: m.name } : {}),
      ...(m.namespace ? { namespace: m.namespace } : {}),
      ...(m.uid ? { uid: m.uid } : {}),
      ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
      ...(m.creationTimestamp ? { creationTimestamp: m.creationTimestamp } : {}),
    },
    spec: { replicas: mapping.specReplicas(object) },
    status: { replicas: mapping.statusReplicas(object), selector: mapping.selector(object) },
  };
}

/** spec.replicas of a written Scale: a non-negative integer, or 422 Invalid. */
export function wantedReplicas(name: string, wanted: Partial<Scale> | undefined): number {
  const replicas = wanted?.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid({ group: 'autoscaling', kind: 'Scale' }, name, [
      {
        type: 'FieldValueInvalid',
        field: 'spec.replicas',
        message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      },
    ]);
  }
  return replicas;
}
