// Reading every key under a prefix from one snapshot, a page at a time. One unbounded range
// answers in one gRPC message: a few thousand stored objects outgrow any receive limit and
// hold the whole answer twice in memory while it is decoded. Pages pin the revision of the
// first one, so the result is the same snapshot a single range would have read.

import type { EtcdClient, KeyValue } from './client.ts';
import { COMPACTED_CODE } from './client.ts';

/** Keys per page: small enough for one message at etcd's 1.5 MiB value limit times a few. */
export const RANGE_PAGE_SIZE = 500;

/** A read of the latest revision restarts when compaction overtakes it between pages. */
const RESTARTS = 3;

export interface Snapshot {
  /** The revision the keys were read at. */
  revision: number;
  kvs: KeyValue[];
}

function compacted(error: unknown): boolean {
  return (error as { code?: unknown }).code === COMPACTED_CODE;
}

export interface RangeAllOptions {
  /** 0 or absent: the latest. */
  revision?: number;
  /** The first key to read (at or after it); absent: the prefix itself. */
  fromKey?: string;
  pageSize?: number;
}

/**
 * Every key under `prefix` at `revision` (0: the latest), in key order. A read at the latest
 * revision that compaction overtakes between pages starts again at the new latest; a read at
 * an exact revision throws etcd's error, as a single range would.
 */
export async function rangeAll(
  etcd: Pick<EtcdClient, 'range'>,
  prefix: string,
  options: RangeAllOptions = {},
): Promise<Snapshot> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await readPages(etcd, prefix, options);
    } catch (error) {
      if (options.revision || attempt >= RESTARTS || !compacted(error)) throw error;
    }
  }
}

async function readPages(
  etcd: Pick<EtcdClient, 'range'>,
  prefix: string,
  { revision = 0, fromKey, pageSize = RANGE_PAGE_SIZE }: RangeAllOptions,
): Promise<Snapshot> {
  const first = await etcd.range({
    key: prefix,
    prefix: true,
    ...(fromKey ? { fromKey } : {}),
    limit: pageSize,
    revision,
  });
  const at = revision || first.revision;
  const kvs = [...first.kvs];
  let more = first.more;
  while (more) {
    const last = kvs.at(-1);
    if (!last) break;
    // The smallest key after the last one read.
    const page = await etcd.range({
      key: prefix,
      prefix: true,
      fromKey: `${last.key}\0`,
      limit: pageSize,
      revision: at,
    });
    kvs.push(...page.kvs);
    more = page.more && page.kvs.length > 0;
  }
  return { revision: at, kvs };
}
