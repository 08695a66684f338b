import { readFileSync } from 'node:fs';
import t from 'tap';
import { productionPackagePaths } from '../../../image/build.ts';

t.test('production packages: installed, not dev-only, outermost folders only', async (t) => {
  t.same(
    productionPackagePaths({
      packages: {
        '': {},
        'node_modules/a': {},
        'node_modules/a/node_modules/b': {},
        'node_modules/tap': { dev: true },
        'node_modules/fsevents': { devOptional: true },
        'node_modules/@scope/c': {},
      },
    }),
    ['node_modules/@scope/c', 'node_modules/a'],
  );
});

t.test("the repository's lockfile: the programs' dependencies in, the tooling out", async (t) => {
  const lock = JSON.parse(readFileSync(new URL('../../../package-lock.json', import.meta.url), 'utf8'));
  const packages = productionPackagePaths(lock);
  for (const name of ['@kubernetes/client-node', 'fastify', '@grpc/grpc-js', 'prom-client', 'yaml'])
    t.ok(packages.includes(`node_modules/${name}`), `${name} is in the image`);
  for (const name of ['tap', 'typescript', '@biomejs/biome', 'node', 'oclif'])
    t.notOk(packages.includes(`node_modules/${name}`), `${name} is not`);
});
