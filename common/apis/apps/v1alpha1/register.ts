// ProjectService as the server sees it: names, schema and validation in one definition.

import { API_CATEGORY, API_VERSION, APPS_GROUP } from '../../../names.ts';
import { dns1035Label } from '../../formats.ts';
import type { KindDefinition } from '../../kind.ts';
import { PROJECT_SERVICE_SCHEMA } from './schema.ts';
import type { ProjectServiceSpec, ProjectServiceStatus } from './types.ts';
import { projectServiceWarnings, validateProjectServiceSpec } from './validation.ts';

export const PROJECT_SERVICE: KindDefinition<ProjectServiceSpec, ProjectServiceStatus> = {
  group: APPS_GROUP,
  version: API_VERSION,
  kind: 'ProjectService',
  listKind: 'ProjectServiceList',
  plural: 'projectservices',
  singular: 'projectservice',
  shortNames: ['ps'],
  categories: [API_CATEGORY],
  schema: PROJECT_SERVICE_SCHEMA,
  // The name becomes the Deployment's and the Service's, and Service names are DNS-1035 labels.
  nameFormat: dns1035Label,
  validateSpec: (spec) => validateProjectServiceSpec(spec),
  warnSpec: (spec) => projectServiceWarnings(spec),
  selectableFields: {
    'spec.image': (o) => o.spec.image,
    'status.phase': (o) => o.status?.phase,
  },
};
