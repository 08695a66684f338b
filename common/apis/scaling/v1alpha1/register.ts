// ScalingPolicy as the server sees it: names, schema and validation in one definition.

import { API_CATEGORY, API_VERSION, SCALING_GROUP } from '../../../names.ts';
import { dns1123Subdomain } from '../../formats.ts';
import type { KindDefinition } from '../../kind.ts';
import { SCALING_POLICY_SCHEMA } from './schema.ts';
import type { ScalingPolicySpec, ScalingPolicyStatus } from './types.ts';
import { validateScalingPolicySpec } from './validation.ts';

export const SCALING_POLICY: KindDefinition<ScalingPolicySpec, ScalingPolicyStatus> = {
  group: SCALING_GROUP,
  version: API_VERSION,
  kind: 'ScalingPolicy',
  listKind: 'ScalingPolicyList',
  plural: 'scalingpolicies',
  singular: 'scalingpolicy',
  shortNames: ['sp'],
  categories: [API_CATEGORY],
  schema: SCALING_POLICY_SCHEMA,
  nameFormat: dns1123Subdomain,
  validateSpec: (spec) => validateScalingPolicySpec(spec),
  selectableFields: {
    'spec.targetRef.name': (o) => o.spec.targetRef.name,
    'spec.paused': (o) => o.spec.paused,
  },
};
