import { requireReadable, type EventStore } from '@billing/shared/event-store';
import { logger } from '@billing/shared/logging';
import { ReadModelBatch, type BatchOptions } from './batch';
import { startBatchedConsumer, type BatchedConsumer } from './batched-consumer';
import { checkpointUpdate, ConsumerState, describe, type ParkedEvent } from './consumer';
import type { Projection, ReadModelStore } from './read-model.port';
import { stampedWith } from './tenant';

/**
 * Runs projections from the event store, each from the position it committed last (boot time
 * does not grow with history). An event a projection keeps failing on is parked, and the
 * documents it should have changed say so (`_parked`), so no figure silently lacks an event.
 *
 * Each projection handles the events at hand in runs (batched-consumer.ts) through a batch of its
 * own (batch.ts): a run's documents, parked events and marks, then its checkpoint, are written by
 * one `applyBatch`. The handlers read only with `get`, which sees their unwritten updates; a `find`
 * or `count` would write the batch first (no projection does, while handling).
 *
 * Into a side copy that only this runner writes to (a rebuild), each batch keeps the documents it
 * wrote, and one that starts from nothing (no checkpoint, no documents) takes a document it never
 * wrote for absent: its handlers read nothing from the store.
 */
export class ProjectionRunner {
  /**
   * Each projection's consumer, and the position up to which the log was found to hold nothing more
   * for it.
   */
  private readonly running = new Map<
    string,
    { subscription: BatchedConsumer; projection: Projection; clearTo: number }
  >();
  readonly state: ConsumerState;

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly options: { sideCopy?: boolean } = {},
  ) {
    this.state = new ConsumerState(readModels);
  }

  async start(projection: Projection): Promise<void> {
    // A rebuild, and a switch cut short, drop a projection's collections: no other may write them.
    for (const { projection: other } of this.running.values()) {
      const shared = projection.collections.filter((name) => other.collections.includes(name));
      if (shared.length > 0)
        throw new Error(`${projection.name} and ${other.name} both write ${shared.join(', ')}`);
    }
    for (const index of projection.indexes ?? [])
      await this.readModels.ensureIndex(index.collection, { _tenant: 1, ...index.fields });
    const name = projectionConsumer(projection);
    // Its other versions (earlier ones, or a later one rolled back) will not run or be repaired
    // again: what they parked must not keep readiness degraded for good.
    if (!this.options.sideCopy) {
      await this.state.forgetOthers(`projection:${projection.name}@v`, name);
      await this.healCutSwitch(projection, name);
    }
    const batch = new ReadModelBatch(this.readModels, await this.batchOptions(projection, name));
    const state = new ConsumerState(batch);
    // A new projection or a new version of one (an upgrade) builds from the start of the store
    // before the port opens: the operator sees why the start takes longer.
    if (!this.options.sideCopy && (await state.position(name)) === 0) {
      const head = await this.store.headPosition();
      if (head > 0)
        logger.info(`${name} has no position yet: replaying the store (${head} events) into it`);
    }
    const subscription = await startBatchedConsumer(this.store, state, {
      name,
      streamPrefixes: projection.streamPrefixes,
      // A projection that reads an event without decoding it (the contract history) must not
      // write a broken one for no tenant: every projection parks it.
      handle: (event) => {
        requireReadable(event);
        return projection.handle(event, stampedWith(batch, event.metadata.tenantId));
      },
      checkpointEvery: CHECKPOINT_EVERY,
      onParked: (event, entry) => markParked(projection, event, batch, entry),
      batch: {
        flush: (position) =>
          batch.flush(position === undefined ? [] : [checkpointUpdate(name, position)]),
        discard: () => batch.discard(),
      },
    });
    this.running.set(projection.name, { subscription, projection, clearTo: 0 });
  }

  /** The projections a command waits for before it answers (all but those whose queries wait). */
  static readonly answeringCommands = (projection: Projection) => !projection.queriesWait;

  /** Each projection's position: the last event it handled. */
  positions(): { consumer: string; position: number }[] {
    return [...this.running.values()].map(({ subscription, projection }) => ({
      consumer: projectionConsumer(projection),
      position: subscription.position,
    }));
  }

  /**
   * True once every projection (or each that `which` takes) has written everything up to
   * `position` that it reads; false if that takes longer than `timeoutMs` (a projection retrying,
   * or far behind).
   */
  async caughtUp(
    position: number,
    timeoutMs = 10_000,
    which: (projection: Projection) => boolean = () => true,
  ): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (const running of this.running.values()) {
      const { subscription, projection } = running;
      if (!which(projection)) continue;
      // The store is asked again only once the projection wrote the event it was found to lack, not
      // at every wait; and only about the log after what an earlier call found clear (other
      // streams' events are not read again).
      for (let lacking = 0; ;) {
        const seen = subscription.position;
        if (seen >= position || running.clearTo >= position) break;
        if (seen >= lacking) {
          const fromPosition = Math.max(seen, running.clearTo);
          const [pending] = await this.store.readAll({
            fromPosition,
            toPosition: position,
            maxCount: 1,
            streamPrefixes: projection.streamPrefixes,
          });
          if (pending === undefined) {
            running.clearTo = Math.max(running.clearTo, position);
            break;
          }
          lacking = pending.position;
        }
        if (Date.now() > deadline) return false;
        if (!(await subscription.committedPast(seen, deadline - Date.now()))) return false;
      }
    }
    return true;
  }

  /**
   * A switch to a rebuilt copy (rebuild.ts `switchTo`) was cut short: the projection's documents may
   * be half replaced, so they go, with its position and what it parked, and it starts from 0. Every
   * instance of the service may be starting at once: one claims the mark and does it, the others
   * wait for the mark to go (or take it over once the claim is CLAIM_STALE_MS old: its claimant
   * died), so none drops what another has started to write again.
   */
  private async healCutSwitch(projection: Projection, name: string): Promise<void> {
    for (;;) {
      const mark = await this.state.switchMark(name);
      if (mark === undefined) return;
      const claimed = mark.claimedAt !== undefined && Date.now() - mark.claimedAt < CLAIM_STALE_MS;
      if (!claimed && (await this.state.claimSwitch(name, mark, Date.now()))) {
        logger.warn(
          { consumer: name },
          `a switch of ${name} to a rebuilt copy was cut short: it is rebuilt from position 0`,
        );
        for (const collection of projection.collections) await this.readModels.drop(collection);
        await this.state.reset(name);
        return this.state.switched(name);
      }
      await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
    }
  }

  private async batchOptions(projection: Projection, name: string): Promise<BatchOptions> {
    if (!this.options.sideCopy) return {};
    const counts = await Promise.all(
      projection.collections.map((collection) => this.readModels.count(collection)),
    );
    const startsEmpty =
      (await this.state.position(name)) === 0 &&
      (await this.state.parked(name)).length === 0 &&
      counts.every((count) => count === 0);
    return { keep: SIDE_COPY_KEPT, startsEmpty };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map(({ subscription }) => subscription.stop()));
    this.running.clear();
  }
}

/**
 * Events a projection writes before its position goes with them (and at stop): a live event's
 * documents are written without a checkpoint write after them (a second round trip to Mongo; on
 * SQLite, with the position in every batch, the mixed load saturated 13% sooner). A crash hands at
 * most these events to it again, and each document's _position skips them.
 */
const CHECKPOINT_EVERY = 100;

/** How long a claim to rebuild a projection in place holds before another start may take it over. */
const CLAIM_STALE_MS = 60_000;
const CLAIM_POLL_MS = 100;

/**
 * Documents each projection's batch keeps into a side copy: the ones its handlers read again are
 * most often among the last written.
 */
const SIDE_COPY_KEPT = 5_000;

export const projectionConsumer = (projection: Pick<Projection, 'name' | 'version'>) =>
  `projection:${projection.name}@v${projection.version}`;

async function markParked(
  projection: Projection,
  event: Parameters<Projection['handle']>[0],
  readModels: ReadModelStore,
  entry: ParkedEvent,
): Promise<void> {
  // Not its position: a tenant's answers count no other tenant's events.
  const mark = { eventId: entry.eventId, type: entry.type, error: entry.error };
  // An event too broken to name its tenant or what it touches is parked and reported all the same;
  // no document is marked for it (one of another tenant could be).
  const tenantId = event.metadata?.tenantId;
  let affected: ReturnType<Projection['affected']> = [];
  try {
    if (typeof tenantId !== 'string') throw new Error('its metadata names no tenant');
    affected = projection.affected(event);
  } catch (error) {
    logger.warn(
      { err: error, consumer: projectionConsumer(projection) },
      `${projectionConsumer(projection)} marks no document for ${event.type} ${event.streamId}@${event.revision}: ${describe(error)}`,
    );
  }
  for (const { collection, id } of affected) {
    await readModels.apply(collection, id, event.position, (current) => ({
      ...(current ?? {}),
      _tenant: tenantId,
      _parked: [
        ...(((current as { _parked?: unknown[] } | undefined)?._parked as unknown[]) ?? []),
        mark,
      ],
    }));
  }
}
