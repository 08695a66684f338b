// docs/differential.md from the allowlist: `node test/e2e/apiserver/differential/doc.ts`
// rewrites it; test/unit/docs/differential.test.ts checks it is current.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALLOWLIST, type Difference } from './allowlist.ts';

export const DOC_PATH = join(import.meta.dirname, '../../../../docs/differential.md');

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderDifferences(list: readonly Difference[] = ALLOWLIST): string {
  const lines = [
    '# ProjectService versus a CRD twin: the known differences',
    '',
    'Generated from `test/e2e/apiserver/differential/allowlist.ts` by',
    '`node test/e2e/apiserver/differential/doc.ts`; do not edit by hand.',
    '',
    'The differential suite (`test/e2e/apiserver/differential.test.ts`) installs a',
    'CustomResourceDefinition with the same OpenAPI schema as ProjectService in a group of its',
    'own, sends the same requests to both through kube-apiserver (every verb; JSON, YAML, Table,',
    'PartialObjectMetadata and protobuf; watches with and without bookmarks and initial events;',
    'the error cases of issue 9) and compares status codes, kinds, content types and response',
    'shapes. Any difference not in this table fails the suite, and so does a listed one that no',
    'longer occurs.',
    '',
  ];
  if (list.length === 0) {
    lines.push('There are no known differences.');
  } else {
    lines.push('| Case | Aspect | ProjectService | CRD twin | Why |', '| --- | --- | --- | --- | --- |');
    for (const d of list)
      lines.push(`| ${cell(d.case)} | ${d.aspect} | ${cell(d.ours)} | ${cell(d.twin)} | ${cell(d.reason)} |`);
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] === import.meta.filename) writeFileSync(DOC_PATH, renderDifferences());
