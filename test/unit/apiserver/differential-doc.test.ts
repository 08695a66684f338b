import { readFileSync } from 'node:fs';
import t from 'tap';
import { ALLOWLIST } from '../../e2e/apiserver/differential/allowlist.ts';
import { DOC_PATH, renderDifferences } from '../../e2e/apiserver/differential/doc.ts';

t.test('docs/differential.md is generated from the differential suite’s allowlist', async (t) => {
  t.equal(
    readFileSync(DOC_PATH, 'utf8'),
    renderDifferences(),
    'stale: run `node test/e2e/apiserver/differential/doc.ts`',
  );
});

t.test('every allowed difference says why', async (t) => {
  for (const d of ALLOWLIST) t.ok(d.reason.length > 20, `${d.case} / ${d.aspect}`);
  const keys = ALLOWLIST.map((d) => `${d.case}/${d.aspect}`);
  t.equal(new Set(keys).size, keys.length, 'one entry per case and aspect');
});
