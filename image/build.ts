// Builds kubehpc's one container image with podman — no daemon, no registry — and saves it
// as an OCI archive (what containerd's `ctr images import` takes). The image is named after
// a content hash of everything that goes into it, so a warm run finds it and returns at once;
// the archive is kept in the cache (~/.cache/kubehpc/image) so a fresh podman store loads it
// instead of rebuilding.
//
// The root filesystem is staged here, not in the Containerfile: the npm `node` package's
// binary (Node 24), the glibc libraries `ldd` says it needs, the
// programs' sources and their production dependencies (`npm ls --omit=dev`).
// Run: node image/build.ts   (prints the image name and the archive path)

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SOURCE_TREES } from './programs.ts';

const run = promisify(execFile);

export const IMAGE_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = dirname(IMAGE_DIR);
/** Where the programs live inside the image (the Containerfile's WORKDIR). */
const APP_DIR = 'opt/kubehpc';
/** The image's files besides the programs: what builds and starts it. */
const IMAGE_FILES = ['Containerfile', 'containers.conf', 'entrypoint.ts', 'programs.ts', 'build.ts'];
/** The unprivileged user the image runs as (also in the Containerfile's USER). */
const USER = { uid: 65532, name: 'kubehpc' };

export interface BuiltImage {
  /** localhost/kubehpc:<content hash>, in podman's local store. */
  ref: string;
  /** The same image as an OCI archive. */
  archive: string;
  /** False when a cached image was reused. */
  built: boolean;
}

/** podman's environment: the project's containers.conf (runc, rlimits, host network). */
export function podmanEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CONTAINERS_CONF: join(IMAGE_DIR, 'containers.conf') };
}

function cacheDir(): string {
  const base = process.env.KUBEHPC_CACHE_DIR ?? join(process.env.HOME ?? tmpdir(), '.cache', 'kubehpc');
  return join(base, 'image');
}

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Shared libraries the binary loads, as ldd resolves them on this machine. */
async function sharedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary]);
  return stdout
    .split('\n')
    .map((line) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1])
    .filter((p): p is string => p !== undefined);
}

/**
 * Folders of the production dependencies, outermost only (nested ones come along): the
 * lockfile's installed packages not marked dev-only. Pure.
 */
export function productionPackagePaths(lock: {
  packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
}): string[] {
  const dirs = Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.devOptional)
    .map(([path]) => path)
    .sort();
  return dirs.filter((d, i) => !dirs.slice(0, i).some((outer) => d.startsWith(`${outer}/`)));
}

/** What goes into the image, by its path inside the image → the path on this machine. */
async function contents(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  // The npm `node` package's binary (Node 24), whatever Node runs this script.
  const node = join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node');
  files.set('usr/local/bin/node', node);
  for (const lib of await sharedLibraries(node)) files.set(lib.slice(1), lib);
  const app = (path: string) => files.set(join(APP_DIR, relative(REPO_ROOT, path)), path);
  for (const name of ['package.json', 'package-lock.json']) app(join(REPO_ROOT, name));
  for (const name of ['entrypoint.ts', 'programs.ts']) app(join(IMAGE_DIR, name));
  for (const tree of SOURCE_TREES) for (const file of filesUnder(join(REPO_ROOT, tree))) app(file);
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8'));
  for (const pkg of productionPackagePaths(lock))
    for (const file of filesUnder(join(REPO_ROOT, pkg))) app(file);
  return files;
}

/**
 * The content hash: every file's place in the image and its bytes, and the build's own files.
 * Installed dependencies count by size only: the lockfile (hashed in full) pins their content,
 * and reading thousands of them would make every warm run slow.
 */
function contentHash(files: Map<string, string>): string {
  const hash = createHash('sha256');
  for (const name of IMAGE_FILES) hash.update(`${name}\0`).update(readFileSync(join(IMAGE_DIR, name)));
  const dependencies = join(APP_DIR, 'node_modules');
  for (const [target, source] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`${target}\0`);
    if (target.startsWith(dependencies)) hash.update(String(statSync(source).size));
    else hash.update(readFileSync(source));
  }
  return hash.digest('hex').slice(0, 16);
}

async function podman(args: string[]): Promise<string> {
  const { stdout } = await run('podman', args, { env: podmanEnv(), maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

async function imageExists(ref: string): Promise<boolean> {
  return podman(['image', 'exists', ref]).then(
    () => true,
    () => false,
  );
}

function stage(files: Map<string, string>, context: string): void {
  const root = join(context, 'rootfs');
  for (const [target, source] of files) {
    mkdirSync(dirname(join(root, target)), { recursive: true });
    copyFileSync(source, join(root, target));
  }
  // A name for the unprivileged user, and nothing a shell would want.
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(
    join(root, 'etc', 'passwd'),
    `root:x:0:0:root:/:/nonexistent\n${USER.name}:x:${USER.uid}:${USER.uid}:${USER.name}:/nonexistent:/nonexistent\n`,
  );
  writeFileSync(join(root, 'etc', 'group'), `root:x:0:\n${USER.name}:x:${USER.uid}:\n`);
  mkdirSync(join(root, 'tmp'), { recursive: true });
  copyFileSync(join(IMAGE_DIR, 'Containerfile'), join(context, 'Containerfile'));
}

/** Builds the image unless one with the same content exists; always leaves the archive. */
export async function buildImage(log: (line: string) => void = () => undefined): Promise<BuiltImage> {
  const files = await contents();
  const hash = contentHash(files);
  const ref = `localhost/kubehpc:${hash}`;
  const dir = cacheDir();
  const archive = join(dir, `kubehpc-${hash}.oci.tar`);
  if (existsSync(archive)) {
    if (!(await imageExists(ref))) {
      log(`loading ${ref} from ${archive}`);
      await podman(['load', '-q', '-i', archive]).catch(() => undefined);
    }
    if (await imageExists(ref)) return { ref, archive, built: false };
  }
  log(`building ${ref} (${files.size} files)`);
  const context = join(tmpdir(), `kubehpc-image-${hash}-${process.pid}`);
  rmSync(context, { recursive: true, force: true });
  try {
    stage(files, context);
    await podman([
      'build',
      '--network=host',
      '--pull=never',
      '-q',
      '-t',
      ref,
      '-f',
      join(context, 'Containerfile'),
      context,
    ]);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  const partial = `${archive}.partial`;
  rmSync(partial, { force: true });
  await podman(['save', '--format', 'oci-archive', '-o', partial, ref]);
  renameSync(partial, archive);
  log(`saved ${archive}`);
  return { ref, archive, built: true };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const image = await buildImage((line) => console.error(`image: ${line}`));
  console.log(`${image.ref}\n${image.archive}`);
}
