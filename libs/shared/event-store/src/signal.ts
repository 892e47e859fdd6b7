/**
 * What one commit wrote: every event after position `after` up to `to`, all of them in these
 * streams.
 */
export interface AppendNotice {
  after: number;
  to: number;
  streamIds: readonly string[];
}

/** Notices kept for subscriptions that were busy when they came. */
const KEPT = 256;

/**
 * Counts the commits of a store and keeps what the last ones wrote, where the store says. A
 * subscription notes the count before it reads and waits for a commit after it, so none that comes
 * while it reads or delivers goes unseen; with `pollMs` it is also woken after that long (writers
 * in other processes commit without a notice).
 */
export class AppendSignal {
  private commits = 0;
  /**
   * The notices of commits `commits - recent.length + 1` to `commits` (undefined where a commit
   * said nothing).
   */
  private readonly recent: (AppendNotice | undefined)[] = [];
  private waiters = new Set<() => void>();

  constructor(private readonly pollMs?: number) {}

  /** Commits notified so far. */
  get count(): number {
    return this.commits;
  }

  notify(notice?: AppendNotice): void {
    this.commits++;
    this.recent.push(notice);
    if (this.recent.length > KEPT) this.recent.shift();
    const waiters = [...this.waiters];
    this.waiters.clear();
    waiters.forEach((wake) => wake());
  }

  /**
   * Resolves once a commit after the `seen`th was notified (at once if one was), or after `pollMs`.
   */
  wait(seen: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.commits > seen) return resolve();
      // Cleared when a commit wakes the waiter first: one stray timer per wait per commit otherwise.
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      if (this.pollMs) timer = setTimeout(done, this.pollMs).unref();
    });
  }

  /**
   * What the commits after the `seen`th wrote, in order; undefined if one of them said nothing or
   * is no longer kept.
   */
  since(seen: number): AppendNotice[] | undefined {
    const missed = this.commits - seen;
    if (missed > this.recent.length) return undefined;
    const notices = this.recent.slice(this.recent.length - missed);
    return notices.every((notice) => notice !== undefined) ? notices : undefined;
  }
}
