import type { EventStore, Subscription } from '@billing/shared/event-store';
import type { ReadModelStore } from '@billing/shared/read-models';
import type { Client, Reply } from '@billing/shared/testing';

/** What every call of a process that died answers: nothing, ever again. */
export class ProcessDied extends Error {
  constructor() {
    super('the process was cut (kill -9)');
    this.name = 'ProcessDied';
  }
}

/**
 * The moment a process dies: right after its `after`-th successful append (one transaction of the
 * event store). From then on its stores, its subscriptions and its client do nothing at all.
 */
export class Cut {
  appends = 0;
  happened = false;
  private readonly onCut: (() => void)[] = [];
  private fail: (error: Error) => void = () => undefined;
  /** Rejects at the cut: calls still waiting for an answer get none. */
  readonly died = new Promise<never>((_, reject) => (this.fail = reject));

  constructor(readonly after: number) {
    this.died.catch(() => undefined);
  }

  whenCut(action: () => void): void {
    this.onCut.push(action);
  }

  check(): void {
    if (this.happened) throw new ProcessDied();
  }

  appended(): void {
    if (++this.appends < this.after) return;
    this.happened = true;
    this.onCut.forEach((action) => action());
    this.fail(new ProcessDied());
  }
}

/**
 * The store as the dying process sees it. Appends go one at a time (as SQLite writes do), so the
 * cut falls exactly after the `after`-th; then every call throws and its subscriptions stop.
 */
export function cutEventStore(inner: EventStore, cut: Cut): EventStore {
  const subscriptions: Subscription[] = [];
  let appending: Promise<unknown> = Promise.resolve();
  cut.whenCut(() => subscriptions.forEach((subscription) => void subscription.stop()));
  const append: EventStore['append'] = (streamId, events, expected) => {
    const next = appending.then(async () => {
      cut.check();
      const result = await inner.append(streamId, events, expected);
      cut.appended();
      return result;
    });
    appending = next.catch(() => undefined);
    return next;
  };
  const subscribeToAll: EventStore['subscribeToAll'] = (options, handler, onError) => {
    if (cut.happened) return { position: options.fromPosition, stop: async () => undefined };
    const subscription = inner.subscribeToAll(
      options,
      (event) => (cut.check(), handler(event)),
      onError,
    );
    subscriptions.push(subscription);
    return subscription;
  };
  return refusingAfter(inner, cut, { append, subscribeToAll });
}

/** The read models as the dying process sees them: nothing is read or written after the cut. */
export function cutReadModels(inner: ReadModelStore, cut: Cut): ReadModelStore {
  return refusingAfter(inner, cut, {});
}

/**
 * The dying process's HTTP client: no answer after the cut, not even to a request sent before it.
 */
export function cutClient(client: Client, cut: Cut): Client {
  const call = async <T>(send: () => Promise<Reply<T>>): Promise<Reply<T>> => {
    cut.check();
    const reply = await Promise.race([send(), cut.died]);
    cut.check();
    return reply;
  };
  return {
    post: (path, body, headers) => call(() => client.post(path, body, headers)),
    get: (path, headers) => call(() => client.get(path, headers)),
  };
}

/** Every (async) method of `inner` or of its overrides rejects once the cut happened. */
function refusingAfter<T extends object>(inner: T, cut: Cut, overrides: Partial<T>): T {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown =
        property in overrides
          ? overrides[property as keyof T]
          : Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (cut.happened && !(property in overrides)) return Promise.reject(new ProcessDied());
        return (value as (...args: unknown[]) => unknown).apply(
          property in overrides ? overrides : target,
          args,
        );
      };
    },
  });
}
