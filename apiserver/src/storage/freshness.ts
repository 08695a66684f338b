// When the watch cache may answer a consistent read (kube-apiserver's way): the read learns
// etcd's current revision from a linearizable range made after it began, then waits until the
// cache has applied every change up to that revision. Writes elsewhere in etcd move the
// revision without an event for the cache; progress notifications on the cache's watch tell
// it how far etcd has sent. etcd drops a progress request it cannot answer at once (a watcher
// still catching up, or no write since the watch began) and a notification names no request,
// so none is tied to a read: requests go out when a read begins, again as soon as its revision
// read shows a write after the first answer, and every `resendMs` while one waits; any
// notification that reaches the target wakes it.

export interface FreshnessSource {
  /** etcd's current revision, from a linearizable read begun after this call. */
  currentRevision(): Promise<number>;
  /** Asks etcd for a progress notification on the cache's watch; false when there is none. */
  requestProgress(): boolean;
}

interface RevisionRead {
  revision: number;
  /** Which revision read answered (they are numbered as they complete). */
  seq: number;
}

interface Waiter {
  target: number;
  wake: (fresh: boolean) => void;
}

export class Freshness {
  readonly #source: FreshnessSource;
  readonly #resendMs: number;
  /** Every change up to this revision has been applied by the cache. */
  #applied = 0;
  #waiters: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** The revision read in flight, and the one queued behind it for reads that began later. */
  #reading: Promise<RevisionRead> | undefined;
  #queued: Promise<RevisionRead> | undefined;
  /** Revision reads answered so far, and the last one a progress request was sent after. */
  #reads = 0;
  #askedAfterRead = 0;
  /** When the unanswered progress request was sent (performance.now()), if one is. */
  #askedAt: number | undefined;

  constructor(source: FreshnessSource, resendMs = 100) {
    this.#source = source;
    this.#resendMs = resendMs;
  }

  get applied(): number {
    return this.#applied;
  }

  /** A progress notification: etcd has sent the cache every change up to `revision`. */
  progressed(revision: number): void {
    this.#askedAt = undefined;
    this.advance(revision);
  }

  /** The cache has applied every change up to `revision`. */
  advance(revision: number): void {
    if (revision <= this.#applied) return;
    this.#applied = revision;
    if (this.#waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (w.target <= revision) w.wake(true);
      else still.push(w);
    }
    this.#waiters = still;
    if (still.length === 0) this.#stopTimer();
  }

  /** The cache starts over from a list at `revision`; waiting reads are told it cannot say. */
  reset(revision: number): void {
    this.release();
    this.#applied = revision;
    this.#askedAt = undefined;
  }

  /** Every waiting read gives up (the cache lost its watch): they read etcd instead. */
  release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    this.#stopTimer();
    for (const w of waiters) w.wake(false);
  }

  /**
   * True once the cache holds every write etcd acknowledged before this call; false when it
   * cannot tell within `timeoutMs` (or etcd did not answer), and the caller reads etcd.
   */
  async wait(timeoutMs: number): Promise<boolean> {
    // The notification usually answers as fast as the range: ask for both at once (reads
    // that begin while a request is unanswered share it; a dropped one is sent again).
    const now = performance.now();
    if (this.#askedAt === undefined || now - this.#askedAt >= this.#resendMs) this.#ask(now);
    let read: RevisionRead;
    try {
      read = await this.#currentRevision();
    } catch {
      return false;
    }
    const target = read.revision;
    if (target <= this.#applied) return true;
    // The request sent with the read may have been answered before a write that the revision
    // read then saw: ask again, once for every waiter of this revision read.
    if (this.#askedAfterRead < read.seq) {
      this.#askedAfterRead = read.seq;
      this.#ask(performance.now());
    }
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        if (this.#waiters.length === 0) this.#stopTimer();
        resolve(false);
      }, timeoutMs);
      const waiter: Waiter = {
        target,
        wake: (fresh) => {
          clearTimeout(timer);
          resolve(fresh);
        },
      };
      this.#waiters.push(waiter);
      this.#startTimer();
    });
  }

  /** One range serves every read that began before it was sent. */
  #currentRevision(): Promise<RevisionRead> {
    if (!this.#reading) {
      const reading = this.#source
        .currentRevision()
        .then((revision) => ({ revision, seq: ++this.#reads }))
        .finally(() => {
          if (this.#reading === reading) this.#reading = undefined;
        });
      this.#reading = reading;
      return reading;
    }
    if (!this.#queued) {
      const queued = this.#reading
        .catch(() => undefined)
        .then(() => {
          if (this.#queued === queued) this.#queued = undefined;
          return this.#currentRevision();
        });
      this.#queued = queued;
    }
    return this.#queued;
  }

  #ask(now: number): void {
    this.#askedAt = this.#source.requestProgress() ? now : undefined;
  }

  #startTimer(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#ask(performance.now()), this.#resendMs);
    this.#timer.unref();
  }

  #stopTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
