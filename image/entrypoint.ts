// The image's entrypoint: its first argument names the kubehpc program to run, the rest are
// that program's flags (`apiserver --secure-port=8443 …`). One image, every program; no
// shell in between, so signals reach the program directly (it runs in this same process).

import { PROGRAMS } from './programs.ts';

const name = process.argv[2];
const main = name === undefined ? undefined : PROGRAMS.get(name);
if (!main) {
  const known = [...PROGRAMS.keys()].join(', ');
  process.stderr.write(
    name === undefined || name === '--help'
      ? `usage: <program> [flags]   programs: ${known}   (<program> --help for its flags)\n`
      : `unknown program "${name}"; programs: ${known}\n`,
  );
  process.exit(name === '--help' ? 0 : 2);
}
// The program reads its flags from process.argv.slice(2), as when run directly.
process.argv.splice(2, 1);
await import(new URL(`../${main}`, import.meta.url).href);
