// Bundles the plugin's launcher into dist/kubectl-plugin/bundle/ (part of `npm run build`).
// Node resolves and compiles each module file on its own; the launcher with the kubeconfig
// loader, the HTTPS client, the printers and the yaml package is about a hundred files, and
// loading them one by one was a third of the CPU a `kubectl hpc get` spends. esbuild puts the
// launcher in one file and each verb in a chunk loaded on demand (code splitting), so a verb
// still loads only what it uses.

import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const outdir = new URL('dist/kubectl-plugin/bundle/', root).pathname;
// Chunk names carry content hashes: without this, every build would leave the last one's behind.
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: [new URL('kubectl-plugin/src/main.ts', root).pathname],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  // The yaml package is CommonJS: its require() calls need a require in the ES module output.
  banner: {
    js: "import { createRequire as kubehpcRequire } from 'node:module';\nconst require = kubehpcRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  logLevel: 'warning',
});
