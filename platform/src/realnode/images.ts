// The real node's container images. No registry is reachable, so each image is built here as
// an OCI image-layout archive from its folder under platform/images (an image.yaml and what it
// names), cached outside the repository by a hash of its inputs, and imported into the real
// node's containerd (`ctr -n k8s.io images import`); pods run them with imagePullPolicy Never.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const run = promisify(execFile);

/** Bump when the way archives are put together changes in a way the inputs do not show. */
const RECIPE = 1;

/** Where Debian's busybox-static installs its binary. */
export const BUSYBOX = '/bin/busybox';

export interface ImageSpec {
  /** Full reference, e.g. kubehpc.local/busybox:1. */
  name: string;
  /** `go`: the static Go program in the image's folder at /<last path element of name>; `busybox`: busybox with its applets in /bin. */
  build: 'go' | 'busybox';
  user: string;
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workdir: string;
}

const REFERENCE =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\.[a-z0-9]+)+\/[a-z0-9]+(?:[._-][a-z0-9]+)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function strings(value: unknown, at: string, problems: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    problems.push(`${at} must be a list of strings`);
    return [];
  }
  return value as string[];
}

/** Parses and checks an image.yaml; every problem is reported. */
export function parseImageSpec(text: string, source: string): ImageSpec {
  const doc = (parse(text) ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof doc.name !== 'string' || !REFERENCE.test(doc.name))
    problems.push('name must be a reference like registry.domain/name:tag');
  if (doc.build !== 'go' && doc.build !== 'busybox') problems.push('build must be go or busybox');
  if (typeof doc.user !== 'string' || !/^[1-9][0-9]*:[0-9]+$/.test(doc.user))
    problems.push('user must be a numeric non-root uid:gid');
  const spec: ImageSpec = {
    name: String(doc.name),
    build: doc.build as ImageSpec['build'],
    user: String(doc.user),
    entrypoint: strings(doc.entrypoint, 'entrypoint', problems),
    cmd: strings(doc.cmd, 'cmd', problems),
    env: strings(doc.env, 'env', problems),
    workdir: typeof doc.workdir === 'string' ? doc.workdir : '/',
  };
  if (problems.length > 0) throw new Error(`${source} is invalid:\n  ${problems.join('\n  ')}`);
  return spec;
}

export interface BuiltImage {
  name: string;
  archive: string;
  /** Digest of the image manifest: what containerd reports for the imported image. */
  digest: string;
}

async function goVersion(): Promise<string> {
  const { stdout } = await run('go', ['env', 'GOVERSION', 'GOARCH'], { env: goEnv() });
  return stdout.trim();
}

function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' };
}

async function folderFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** A hash of everything an image is made from: its folder, the builder's inputs, the recipe. */
export async function imageKey(dir: string, spec: ImageSpec): Promise<string> {
  const hash = createHash('sha256').update(`recipe ${RECIPE}\n`);
  for (const file of await folderFiles(dir)) {
    hash.update(`${file}\n`).update(await readFile(join(dir, file)));
  }
  if (spec.build === 'go') hash.update(await goVersion());
  else hash.update(await readFile(BUSYBOX));
  return hash.digest('hex').slice(0, 12);
}

/** Lays out the image's root filesystem in `rootfs`. */
async function populate(dir: string, spec: ImageSpec, rootfs: string): Promise<void> {
  for (const sub of ['bin', 'etc', 'dev', 'proc', 'sys']) await mkdir(join(rootfs, sub), { recursive: true });
  await mkdir(join(rootfs, 'tmp'));
  await chmod(join(rootfs, 'tmp'), 0o1777);
  const [uid, gid] = spec.user.split(':');
  await writeFile(
    join(rootfs, 'etc', 'passwd'),
    `root:x:0:0:root:/:/bin/sh\napp:x:${uid}:${gid}:app:/tmp:/bin/sh\n`,
  );
  await writeFile(join(rootfs, 'etc', 'group'), `root:x:0:\napp:x:${gid}:\n`);
  if (spec.build === 'go') {
    const name = spec.entrypoint[0] ?? '/app';
    await run('go', ['build', '-trimpath', '-ldflags', '-s -w -buildid=', '-o', join(rootfs, name), '.'], {
      cwd: dir,
      env: goEnv(),
    });
    return;
  }
  await copyFile(BUSYBOX, join(rootfs, 'bin', 'busybox'));
  await chmod(join(rootfs, 'bin', 'busybox'), 0o755);
  const { stdout } = await run(BUSYBOX, ['--list']);
  for (const applet of stdout.split('\n').filter((a) => /^[a-z0-9_.[-]+$/.test(a) && a !== 'busybox')) {
    await symlink('busybox', join(rootfs, 'bin', applet));
  }
}

/** A reproducible tar of a folder: sorted, owned by root, dated at the epoch. */
async function tarFolder(dir: string, out: string): Promise<void> {
  await run('tar', [
    '--create',
    '--file',
    out,
    '--directory',
    dir,
    '--sort=name',
    '--mtime=@0',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--format=posix',
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
    '.',
  ]);
}

function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Writes a blob into an OCI layout's blobs/sha256 and returns its descriptor. */
async function blob(layoutDir: string, mediaType: string, data: Buffer) {
  const digest = sha256(data);
  await writeFile(join(layoutDir, 'blobs', 'sha256', digest.slice(7)), data);
  return { mediaType, digest, size: data.length };
}

async function assemble(
  dir: string,
  spec: ImageSpec,
  scratch: string,
): Promise<{ archive: string; digest: string }> {
  const rootfs = join(scratch, 'rootfs');
  await mkdir(rootfs);
  await populate(dir, spec, rootfs);
  const layerTar = join(scratch, 'layer.tar');
  await tarFolder(rootfs, layerTar);
  const layoutDir = join(scratch, 'oci');
  await mkdir(join(layoutDir, 'blobs', 'sha256'), { recursive: true });
  const layerData = await readFile(layerTar);
  const layer = await blob(layoutDir, 'application/vnd.oci.image.layer.v1.tar', layerData);
  const config = await blob(
    layoutDir,
    'application/vnd.oci.image.config.v1+json',
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: {
          User: spec.user,
          Env: spec.env,
          ...(spec.entrypoint.length > 0 ? { Entrypoint: spec.entrypoint } : {}),
          ...(spec.cmd.length > 0 ? { Cmd: spec.cmd } : {}),
          WorkingDir: spec.workdir,
        },
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
      }),
    ),
  );
  const manifest = await blob(
    layoutDir,
    'application/vnd.oci.image.manifest.v1+json',
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config,
        layers: [layer],
      }),
    ),
  );
  const tag = spec.name.slice(spec.name.lastIndexOf(':') + 1);
  await writeFile(
    join(layoutDir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          ...manifest,
          platform: { architecture: 'amd64', os: 'linux' },
          annotations: { 'io.containerd.image.name': spec.name, 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  await writeFile(join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const archive = join(scratch, 'image.tar');
  await tarFolder(layoutDir, archive);
  return { archive, digest: manifest.digest };
}

/** Builds (or finds in the cache) the image in `dir`. */
export async function ensureImage(
  dir: string,
  cacheDir: string,
  log: (line: string) => void,
): Promise<BuiltImage> {
  const spec = parseImageSpec(await readFile(join(dir, 'image.yaml'), 'utf8'), join(dir, 'image.yaml'));
  const key = await imageKey(dir, spec);
  const stem = spec.name.replace(/[/:]/g, '_');
  const imagesDir = join(cacheDir, 'images');
  const archive = join(imagesDir, `${stem}-${key}.tar`);
  const digestFile = `${archive}.digest`;
  if (existsSync(archive) && existsSync(digestFile)) {
    return { name: spec.name, archive, digest: (await readFile(digestFile, 'utf8')).trim() };
  }
  await mkdir(imagesDir, { recursive: true });
  const scratch = await mkdtemp(join(tmpdir(), 'kubehpc-image-'));
  try {
    const built = await assemble(dir, spec, scratch);
    await rename(built.archive, `${archive}.tmp-${process.pid}`).catch(async () => {
      await copyFile(built.archive, `${archive}.tmp-${process.pid}`);
    });
    await writeFile(digestFile, `${built.digest}\n`);
    await rename(`${archive}.tmp-${process.pid}`, archive);
    for (const entry of await readdir(imagesDir)) {
      if (entry.startsWith(`${stem}-`) && !entry.startsWith(`${stem}-${key}`) && !entry.includes('.tmp-')) {
        await rm(join(imagesDir, entry), { force: true });
      }
    }
    log(`built image ${spec.name} → ${archive}`);
    return { name: spec.name, archive, digest: built.digest };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Every image under platform/images, built or taken from the cache. */
export async function ensureImages(
  repoRoot: string,
  cacheDir: string,
  log: (line: string) => void,
): Promise<BuiltImage[]> {
  const root = join(repoRoot, 'platform', 'images');
  const images: BuiltImage[] = [];
  for (const entry of (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory())) {
    images.push(await ensureImage(join(root, entry.name), cacheDir, log));
  }
  return images.sort((a, b) => a.name.localeCompare(b.name));
}

/** Imports into containerd's k8s.io namespace the images it does not hold at that digest. */
export async function importImages(
  ctr: string,
  socket: string,
  images: BuiltImage[],
  log: (line: string) => void,
): Promise<void> {
  const { stdout } = await run(ctr, ['--address', socket, '--namespace', 'k8s.io', 'images', 'list']);
  const held = new Set(
    stdout
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .map(([ref, , digest]) => `${ref}@${digest}`),
  );
  for (const image of images) {
    if (held.has(`${image.name}@${image.digest}`)) continue;
    await run(ctr, ['--address', socket, '--namespace', 'k8s.io', 'images', 'import', image.archive]);
    log(`imported image ${image.name} into the real node's containerd`);
  }
}
