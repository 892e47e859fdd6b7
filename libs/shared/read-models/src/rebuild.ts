import { isDeepStrictEqual } from 'node:util';
import type { EventStore } from '@billing/shared/event-store';
import { ConsumerState } from './consumer';
import { projectionConsumer, ProjectionRunner } from './projection-runner';
import type { Doc, Projection, ReadModelStore } from './read-model.port';
import { SharedLog } from './shared-log';

export interface RebuildReport {
  head: number;
  collections: string[];
  documents: number;
  /** Each document that differs: collection, id and how (missing on one side, or different). */
  differences: { collection: string; id: string; live?: unknown; rebuilt?: unknown }[];
  /** Events the rebuild parked (the same events the live read models may lack). */
  parked: number;
}

/** Replays every projection from position 0 into `side` (empty), up to the store's head now. */
export async function rebuildInto(
  store: EventStore,
  side: ReadModelStore,
  projections: readonly Projection[],
  onProgress?: (position: number, head: number) => void,
): Promise<number> {
  const head = await store.headPosition();
  // Every projection starts from nothing: they read the log once, together.
  const log = new SharedLog(store);
  const runner = new ProjectionRunner(log.store, side, { sideCopy: true });
  for (const projection of projections) await runner.start(projection);
  log.open();
  while (!(await runner.caughtUp(head, 1_000)))
    onProgress?.(
      Math.min(
        ...(await Promise.all(
          projections.map((p) => runner.state.position(projectionConsumer(p))),
        )),
      ),
      head,
    );
  await runner.stop();
  return head;
}

/** Every projection collection of `live` compared, document by document, with a rebuilt `side`. */
export async function compareReadModels(
  live: ReadModelStore,
  side: ReadModelStore,
  projections: readonly Projection[],
  head: number,
): Promise<RebuildReport> {
  const collections = [...new Set([...(await side.collections()), ...(await live.collections())])]
    .filter((name) => ownedBy(name, projections))
    .sort();
  const differences: RebuildReport['differences'] = [];
  let documents = 0;
  for (const collection of collections) {
    const [mine, theirs] = [await byId(live, collection), await byId(side, collection)];
    for (const id of new Set([...mine.keys(), ...theirs.keys()])) {
      documents++;
      if (!isDeepStrictEqual(mine.get(id), theirs.get(id)))
        differences.push({ collection, id, live: mine.get(id), rebuilt: theirs.get(id) });
    }
  }
  const parked = (await new ConsumerState(side).parked()).length;
  return { head, collections, documents, differences, parked };
}

/**
 * Makes `live` hold what `side` rebuilt, projection by projection (run with the service stopped).
 */
export async function switchTo(
  live: ReadModelStore,
  side: ReadModelStore,
  projections: readonly Projection[],
): Promise<void> {
  const liveState = new ConsumerState(live);
  const sideState = new ConsumerState(side);
  // Every collection the projections write, the empty ones too: a live collection the rebuild left
  // empty holds nothing after.
  for (const collection of new Set(projections.flatMap((projection) => projection.collections))) {
    if ((await live.find(collection, {}, { limit: 1 })).length > 0) await live.drop(collection);
    for (const doc of await side.find<Record<string, unknown>>(collection)) {
      const { _id, _position, ...content } = doc;
      await live.apply(collection, _id, _position, () => content);
    }
  }
  for (const projection of projections) {
    const consumer = projectionConsumer(projection);
    for (const entry of await liveState.parked(consumer)) await liveState.unpark(entry);
    await live.remove('consumer_checkpoints', consumer);
    await liveState.commit(consumer, await sideState.position(consumer));
    for (const entry of await sideState.parked(consumer))
      await live.apply(
        'parked_events',
        `${consumer}@${entry.position}`,
        entry.position,
        () => entry,
      );
  }
}

/**
 * Projections write collections named after them and suffixed with a version: everything else
 * (positions, parked events, snapshots) is not theirs.
 */
function ownedBy(collection: string, projections: readonly Projection[]): boolean {
  return projections.some((projection) => projection.collections.includes(collection));
}

async function byId(store: ReadModelStore, collection: string): Promise<Map<string, Doc<unknown>>> {
  return new Map((await store.find<unknown>(collection)).map((doc) => [doc._id, doc]));
}
