import type { EventStore } from './types';

/** By store: the last work queued on each stream, settled or not. */
const queues = new WeakMap<EventStore, Map<string, Promise<void>>>();

/**
 * Runs `work` once every work queued before on `streamId` through this `store` object has settled,
 * so that the commands an app runs on one stream go one after the other, each from the state the
 * one before left (ADR 3). Optimistic concurrency still decides between processes (or two apps on
 * one store's file); this orders an app's own, which a command of several steps needs: issuing
 * checks the ledger, reserves a number on another stream, then issues, and nothing may change the
 * ledger in between.
 */
export async function withStreamLock<T>(
  store: EventStore,
  streamId: string,
  work: () => Promise<T>,
): Promise<T> {
  let streams = queues.get(store);
  if (!streams) queues.set(store, (streams = new Map<string, Promise<void>>()));
  const running = (streams.get(streamId) ?? Promise.resolve()).then(work);
  const settled = running.then(
    () => undefined,
    () => undefined,
  );
  streams.set(streamId, settled);
  try {
    return await running;
  } finally {
    if (streams.get(streamId) === settled) streams.delete(streamId);
  }
}
