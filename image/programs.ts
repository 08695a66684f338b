// The programs the image runs, by the name the manifests pass as the container's first
// argument, each with its entry module relative to the repository root. Pure data: the
// entrypoint, the image build (which copies these trees) and the tests read it.

export const PROGRAMS: ReadonlyMap<string, string> = new Map([
  ['apiserver', 'apiserver/src/main.ts'],
  ['controllers', 'apiserver/src/controllers/main.ts'],
  ['scheduler-extender', 'scheduler-extender/src/main.ts'],
  ['device-plugin', 'device-plugins/src/main.ts'],
]);

/** What the programs read at run time: their sources, what they share, protocol definitions. */
export const SOURCE_TREES = [
  'common',
  'apiserver/src',
  'scheduler-extender/src',
  'device-plugins/src',
  'device-plugins/proto',
];
