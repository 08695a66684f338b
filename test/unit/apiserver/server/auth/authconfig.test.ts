// AuthConfigSource follows the authentication ConfigMap by watching it: a change takes effect
// without a restart, an expired or broken watch is re-established from a fresh read, and
// nothing is watched after stop(). Driven by a fake ConfigMapClient.

import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import {
  type AuthConfig,
  AuthConfigSource,
  type ConfigMapClient,
  type ConfigMapEvent,
  type ConfigMapState,
} from '../../../../../apiserver/src/server/auth/authconfig.ts';

interface OpenWatch {
  from: string;
  send(event: ConfigMapEvent): void;
  end(error?: Error): void;
  stopped: boolean;
}

function fakeClient(initial: ConfigMapState) {
  let stored = initial;
  const watches: OpenWatch[] = [];
  let reads = 0;
  const client: ConfigMapClient = {
    read: async () => {
      reads++;
      return stored;
    },
    watch: async (_ref, from, onEvent, onDone) => {
      const w: OpenWatch = { from, send: onEvent, end: onDone, stopped: false };
      watches.push(w);
      return () => {
        w.stopped = true;
      };
    },
  };
  return {
    client,
    watches,
    reads: () => reads,
    store: (s: ConfigMapState) => {
      stored = s;
    },
  };
}

const names = (...n: string[]) => ({ 'requestheader-allowed-names': JSON.stringify(n) });

/** Waits for the condition, polling each millisecond, and fails after a deadline. */
async function until(condition: () => boolean, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`condition not met within ${deadlineMs} ms: ${condition}`);
    await sleep(1);
  }
}

t.test('a modified ConfigMap replaces the configuration without a restart', async (t) => {
  const fake = fakeClient({ data: names('front-proxy-client'), resourceVersion: '10' });
  const seen: AuthConfig[] = [];
  const source = new AuthConfigSource(fake.client, (c) => seen.push(c), { retryMs: 1 });
  t.teardown(() => source.stop());
  await source.refresh();
  t.same(source.current?.allowedNames, ['front-proxy-client']);
  source.start();
  await until(() => fake.watches.length === 1);
  t.equal(fake.watches[0]?.from, '10', 'watches from the revision it read');

  fake.watches[0]?.send({ type: 'MODIFIED', state: { data: names('rotated-proxy'), resourceVersion: '11' } });
  t.same(source.current?.allowedNames, ['rotated-proxy']);
  t.equal(seen.length, 2, 'each change is reported once');
  fake.watches[0]?.send({ type: 'MODIFIED', state: { data: names('rotated-proxy'), resourceVersion: '12' } });
  t.equal(seen.length, 2, 'an update that changes no data is not a change');
});

t.test('an expired watch is re-established from a fresh read', async (t) => {
  const fake = fakeClient({ data: names('a'), resourceVersion: '5' });
  const source = new AuthConfigSource(fake.client, () => undefined, { retryMs: 1 });
  t.teardown(() => source.stop());
  await source.refresh();
  source.start();
  await until(() => fake.watches.length === 1);

  // While the watch was gone the ConfigMap changed; the 410 makes the source read it again.
  fake.store({ data: names('b'), resourceVersion: '90' });
  fake.watches[0]?.send({ type: 'ERROR', message: 'too old resource version: 5 (80)' });
  await until(() => fake.watches.length === 2);
  t.ok(fake.watches[0]?.stopped, 'the failed watch is closed');
  t.same(source.current?.allowedNames, ['b']);
  t.equal(fake.watches[1]?.from, '90');
  t.equal(fake.reads(), 2);
});

t.test('a watch the server closes resumes from the last revision seen, bookmarks included', async (t) => {
  const fake = fakeClient({ data: names('a'), resourceVersion: '5' });
  const source = new AuthConfigSource(fake.client, () => undefined, { retryMs: 1 });
  t.teardown(() => source.stop());
  await source.refresh();
  source.start();
  await until(() => fake.watches.length === 1);
  fake.watches[0]?.send({ type: 'BOOKMARK', state: { data: {}, resourceVersion: '42' } });
  fake.watches[0]?.end();
  await until(() => fake.watches.length === 2);
  t.equal(fake.watches[1]?.from, '42');
  t.equal(fake.reads(), 1, 'a clean end needs no re-read');
  t.same(source.current?.allowedNames, ['a'], 'a bookmark carries no configuration');
});

t.test('after stop() nothing is watched', async (t) => {
  const fake = fakeClient({ data: names('a'), resourceVersion: '5' });
  const source = new AuthConfigSource(fake.client, () => undefined, { retryMs: 1 });
  await source.refresh();
  source.start();
  await until(() => fake.watches.length === 1);
  source.stop();
  t.ok(fake.watches[0]?.stopped);
  fake.watches[0]?.end();
  await sleep(20);
  t.equal(fake.watches.length, 1);
});
