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
 * The projections are marked first and unmarked once each has its documents, position and parked
 * events: a switch cut short (a crash, a lost connection) leaves them marked, and the next start of
 * the service drops what they have and rebuilds them from position 0 (ProjectionRunner), so no
 * projection goes on from its old position over documents half replaced.
 */
export async function switchTo(
  live: ReadModelStore,
  side: ReadModelStore,
  projections: readonly Projection[],
): Promise<void> {
  const liveState = new ConsumerState(live);
  const sideState = new ConsumerState(side);
  for (const projection of projections) await liveState.switching(projectionConsumer(projection));
  // Every collection the projections write, the empty ones too: a live collection the rebuild left
  // empty holds nothing after.
  for (const collection of new Set(projections.flatMap((projection) => projection.collections))) {
    if ((await live.find(collection, {}, { limit: 1 })).length > 0) await live.drop(collection);
    const docs = await side.find<Record<string, unknown>>(collection);
    for (let from = 0; from < docs.length; from += COPIED_AT_ONCE)
      await live.applyBatch(
        docs.slice(from, from + COPIED_AT_ONCE).map(({ _id, _position, ...content }) => ({
          collection,
          id: _id,
          position: _position,
          update: () => content,
          fresh: true,
        })),
      );
  }
  for (const projection of projections) {
    const consumer = projectionConsumer(projection);
    await liveState.reset(consumer);
    await liveState.commit(consumer, await sideState.position(consumer));
    for (const entry of await sideState.parked(consumer)) await liveState.keepParked(entry);
    await liveState.switched(consumer);
  }
}

/** Documents written to the live store by one `applyBatch` while switching. */
const COPIED_AT_ONCE = 500;

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
