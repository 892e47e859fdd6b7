import type {
  EventStore,
  RecordedEvent,
  Snapshot,
  SnapshotStore,
  Subscription,
} from '@billing/shared/event-store';
import { logger, withLogContext, type LogContext } from '@billing/shared/logging';
import type { ConsumerBatch } from './batched-consumer';
import { withinDeadline } from './tenant';
import type { ReadModelStore, Update } from './read-model.port';

const CHECKPOINTS = 'consumer_checkpoints';
const PARKED = 'parked_events';
/** Projections whose read models a switch (rebuild.ts `switchTo`) is replacing. */
const SWITCHES = 'read_model_switches';
export const REFUSALS = 'reaction_refusals';

/**
 * A reaction a business rule refused: not an error, but a client waiting for its outcome must be
 * able to see "never".
 */
export interface Refusal {
  consumer: string;
  position: number;
  messageId: string;
  type: string;
  contractId?: string;
  reason: string;
  occurredAt: string;
}

/**
 * An event a consumer (projection or consumer group) gave up on, with why: visible in readiness and
 * the audit.
 */
export interface ParkedEvent {
  consumer: string;
  position: number;
  eventId: string;
  streamId: string;
  revision: number;
  type: string;
  tenantId: string;
  error: string;
  parkedAt: string;
}

export interface SwitchMark {
  position: number;
  claimedAt?: number;
}

/**
 * What a consumer has done, kept in the read-model store so it survives a restart: its committed
 * position (monotonic, per document, like any read model) and the events it parked.
 */
export class ConsumerState {
  constructor(readonly readModels: ReadModelStore) {}

  async position(consumer: string): Promise<number> {
    return (await this.readModels.get(CHECKPOINTS, consumer))?._position ?? 0;
  }

  /**
   * The consumers named `prefix` and more but `keep` (the other versions of a projection): no one
   * runs or repairs them any more, so their positions and parked events go.
   */
  async forgetOthers(prefix: string, keep: string): Promise<void> {
    const named = { consumer: { $gte: prefix, $lt: `${prefix}\uffff` } };
    for (const entry of await this.readModels.find<ParkedEvent>(PARKED, named))
      if (entry.consumer !== keep) await this.unpark(entry);
    for (const { _id } of await this.readModels.find<{ consumer: string }>(CHECKPOINTS, named))
      if (_id !== keep) await this.readModels.remove(CHECKPOINTS, _id);
  }

  /**
   * The consumers (projections, consumer groups, relays) whose positions are past the store's head:
   * their read models were built from another store, or from this one before it went back (a
   * restore, or a backup of the events taken before the one of the read models). The positions are
   * read first: an instance running beside this one moves the head before its positions, never
   * after.
   */
  async checkpointsPast(
    head: () => Promise<number>,
  ): Promise<{ consumer: string; position: number; head: number }[]> {
    const checkpoints = await this.readModels.find<{ consumer: string }>(CHECKPOINTS);
    const at = await head();
    return checkpoints
      .filter((checkpoint) => checkpoint._position > at)
      .map((checkpoint) => ({
        consumer: checkpoint.consumer,
        position: checkpoint._position,
        head: at,
      }));
  }

  async commit(consumer: string, position: number): Promise<void> {
    const { collection, id, update } = checkpointUpdate(consumer, position);
    await this.readModels.apply(collection, id, position, update);
  }

  /**
   * Marks `consumer`'s read models as being replaced (rebuild.ts `switchTo`) until `switched`: a
   * switch cut short leaves the mark, and the projection is rebuilt in place at its next start.
   */
  async switching(consumer: string): Promise<void> {
    await this.readModels.apply(SWITCHES, consumer, 1, () => ({ consumer }));
  }

  /** The mark of a switch not finished, and when a start last claimed it to rebuild in place. */
  async switchMark(consumer: string): Promise<SwitchMark | undefined> {
    const mark = await this.readModels.get<{ claimedAt?: number }>(SWITCHES, consumer);
    return mark && { position: mark._position, claimedAt: mark.claimedAt };
  }

  /**
   * Claims the mark as found (`mark`) for this process: true for one claimant only, since each
   * claim moves the mark's position on (a write at a position it has reached already changes
   * nothing).
   */
  async claimSwitch(consumer: string, mark: SwitchMark, now: number): Promise<boolean> {
    return this.readModels.apply(SWITCHES, consumer, mark.position + 1, () => ({
      consumer,
      claimedAt: now,
    }));
  }

  async switched(consumer: string): Promise<void> {
    await this.readModels.remove(SWITCHES, consumer);
  }

  /** Forgets `consumer`'s position and what it parked: it starts again from position 0. */
  async reset(consumer: string): Promise<void> {
    for (const entry of await this.parked(consumer)) await this.unpark(entry);
    await this.readModels.remove(CHECKPOINTS, consumer);
  }

  async park(consumer: string, event: RecordedEvent, error: unknown): Promise<ParkedEvent> {
    const entry: ParkedEvent = {
      consumer,
      position: event.position,
      eventId: event.id,
      streamId: event.streamId,
      revision: event.revision,
      type: event.type,
      tenantId: event.metadata?.tenantId ?? '',
      error: describe(error),
      parkedAt: new Date().toISOString(),
    };
    await this.readModels.apply(
      PARKED,
      parkedId(consumer, event.position),
      event.position,
      () => entry,
    );
    return entry;
  }

  /**
   * A message from a broker (Kafka) that a consumer group gave up on. It has no store position:
   * `position` is its offset and `streamId` its `<topic>/<partition>` (revision -1), so the entry
   * is kept under all three. The group tries it again from the dead-letter topic when it starts
   * (group.ts).
   */
  async parkMessage(
    consumer: string,
    message: { id: string; type: string; tenantId: string },
    at: { streamId: string; offset: number },
    error: unknown,
  ): Promise<ParkedEvent> {
    const entry: ParkedEvent = {
      consumer,
      position: at.offset,
      eventId: message.id,
      streamId: at.streamId,
      revision: -1,
      type: message.type,
      tenantId: message.tenantId,
      error: describe(error),
      parkedAt: new Date().toISOString(),
    };
    await this.readModels.apply(
      PARKED,
      messageId(consumer, at.streamId, at.offset),
      at.offset + 1,
      () => entry,
    );
    return entry;
  }

  async refuse(
    consumer: string,
    position: number,
    refusal: Omit<Refusal, 'consumer' | 'position'> & { tenantId: string },
  ): Promise<void> {
    const { tenantId, ...rest } = refusal;
    await this.readModels.apply(REFUSALS, `${consumer}/${refusal.messageId}`, position, () => ({
      consumer,
      position,
      ...rest,
      _tenant: tenantId,
    }));
  }

  /** An entry parked elsewhere (a rebuilt side copy), kept here as it is. */
  async keepParked(entry: ParkedEvent): Promise<void> {
    await this.readModels.apply(
      PARKED,
      parkedId(entry.consumer, entry.position),
      entry.position,
      () => entry,
    );
  }

  async parked(consumer?: string): Promise<ParkedEvent[]> {
    const entries = await this.readModels.find<ParkedEvent>(PARKED, consumer ? { consumer } : {}, {
      sort: { position: 1, consumer: 1 },
    });
    return entries.map(({ _id, _position, ...entry }) => entry);
  }

  async unpark(
    entry: Pick<ParkedEvent, 'consumer' | 'position' | 'streamId' | 'revision'>,
  ): Promise<void> {
    await this.readModels.remove(
      PARKED,
      entry.revision === -1
        ? messageId(entry.consumer, entry.streamId, entry.position)
        : parkedId(entry.consumer, entry.position),
    );
  }
}

const parkedId = (consumer: string, position: number) => `${consumer}@${position}`;
const messageId = (consumer: string, streamId: string, offset: number) =>
  `${consumer}@${streamId}@${offset}`;

/**
 * The update that commits a consumer's position (ConsumerState.commit), for a batch that writes it
 * last.
 */
export const checkpointUpdate = (consumer: string, position: number): Update => ({
  collection: CHECKPOINTS,
  id: consumer,
  position,
  update: () => ({ consumer }),
});

/**
 * One line per parked event, as readiness and `npm run audit` report it: each is a figure or
 * reaction missing until repaired.
 */
export function parkedProblems(entries: readonly ParkedEvent[]): string[] {
  return entries.map((entry) => {
    // A broker's message (revision -1): its topic/partition and offset, as the group logged it.
    const message = entry.revision === -1;
    const at = `${entry.streamId}@${message ? entry.position : entry.revision}`;
    return `parked by ${entry.consumer}: ${entry.type} ${at} (${message ? 'offset' : 'position'} ${entry.position}, tenant ${entry.tenantId}): ${entry.error}`;
  });
}

/**
 * `Name: message` of an error, by shape (an error from another realm or a native addon is no
 * `instanceof Error` here).
 */
export function describe(error: unknown): string {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return typeof message === 'string'
    ? `${typeof name === 'string' ? name : 'Error'}: ${message}`
    : String(error);
}

export interface RetryPolicy {
  attempts: number;
  firstBackoffMs: number;
}

/**
 * Bounded: a handler that still fails after ~0.3 s of retries is parked, so nothing stalls for
 * long.
 */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, firstBackoffMs: 20 };

/**
 * The drivers' errors for a server that cannot be reached now (stopped, restarting, a network cut),
 * by name (mongodb), or marked `unavailable: true` by an adapter. Not mongoose's failed first
 * connection: that one never recovers, and stops the boot (platform/reachable.ts).
 */
const UNREACHABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
]);
/**
 * A socket the server closed, as mongodb lets it through when it writes in the moment after the
 * close.
 */
const CLOSED_SOCKET = new Set(['EPIPE', 'ECONNRESET']);
/**
 * SQLite's file failing under it (a full disk, an I/O error, a file locked, read-only or damaged):
 * the store cannot write now, which no event at hand is to blame for.
 */
const SQLITE_CANNOT_WRITE = /^SQLITE_(FULL|IOERR|BUSY|LOCKED|READONLY|CANTOPEN|CORRUPT|NOTADB)/;
const MAX_UNAVAILABLE_BACKOFF_MS = 1_000;

/** No fault of the event at hand: a consumer waits it out, and never parks an event for it. */
export function isUnavailable(error: unknown): boolean {
  const { name, unavailable, code, errorResponse } = (error ?? {}) as {
    name?: unknown;
    unavailable?: unknown;
    code?: unknown;
    errorResponse?: unknown;
  };
  // mongodb's bulkWrite wraps what stopped it (a closed connection, no server) in a
  // MongoBulkWriteError.
  if (name === 'MongoBulkWriteError') return isUnavailable(errorResponse);
  return (
    unavailable === true ||
    (typeof name === 'string' && UNREACHABLE.has(name)) ||
    (typeof code === 'string' && (CLOSED_SOCKET.has(code) || SQLITE_CANNOT_WRITE.test(code)))
  );
}

/**
 * Runs `work` until it succeeds or the attempts run out; the last error, or undefined on success.
 * A server that cannot be reached uses up no attempt: it is waited out (logged once), with backoff.
 */
export async function withRetries(
  work: () => Promise<void>,
  policy: RetryPolicy = DEFAULT_RETRY,
  retryable: (error: unknown) => boolean = () => true,
): Promise<unknown> {
  for (let attempt = 1, waits = 0; ;) {
    try {
      await work();
      return undefined;
    } catch (error) {
      const unavailable = isUnavailable(error);
      if (!unavailable && (attempt >= policy.attempts || !retryable(error)))
        return error ?? new Error('failed');
      if (unavailable && waits === 0)
        logger.warn({ err: error }, `${describe(error)}; waiting for the server, then retrying`);
      const backoffMs = unavailable
        ? Math.min(MAX_UNAVAILABLE_BACKOFF_MS, policy.firstBackoffMs * 2 ** waits++)
        : policy.firstBackoffMs * 2 ** (attempt++ - 1);
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
    }
  }
}

export interface ConsumerOptions {
  /** Unique per consumer: its checkpoint and parked events are kept under it. */
  name: string;
  streamPrefixes: readonly string[];
  handle(event: RecordedEvent): Promise<void>;
  /** Called once an event is parked, e.g. to mark the documents it should have changed. */
  onParked?(event: RecordedEvent, entry: ParkedEvent): Promise<void>;
  retry?: RetryPolicy;
  /**
   * Try the events it parked again before resuming (for idempotent reactions: after a fix and a
   * restart they go through).
   */
  retryParked?: boolean;
}

/**
 * A checkpointed catch-up subscription: resumes after its committed position, handles each event
 * with bounded retries, parks one that keeps failing (logged, recorded, never skipped silently)
 * and commits after each event. A crash before the commit means the event comes again: handlers
 * are idempotent (documents keep their position, commands their id).
 */
export async function startConsumer(
  store: EventStore,
  state: ConsumerState,
  options: ConsumerOptions,
): Promise<Subscription> {
  if (options.retryParked) await retryParked(store, state, options);
  const fromPosition = await state.position(options.name);
  return store.subscribeToAll({ fromPosition, streamPrefixes: options.streamPrefixes }, (event) =>
    withLogContext(eventLogContext(event, options.name), async () => {
      const failure = await withRetries(() => options.handle(event), options.retry);
      if (failure !== undefined) {
        const entry = await state.park(options.name, event, failure);
        logger.error(
          { position: event.position },
          `${options.name} parked ${event.type} ${event.streamId}@${event.revision} (position ${event.position}): ${entry.error}`,
        );
        await options.onParked?.(event, entry);
      }
      await state.commit(options.name, event.position);
    }),
  );
}

/**
 * The log context of a consumer handling a stored event: the request or reaction that caused it, by
 * its correlation id.
 */
export function eventLogContext(event: RecordedEvent, consumer: string): LogContext {
  return {
    correlationId: event.metadata?.correlationId,
    tenantId: event.metadata?.tenantId,
    consumer,
  };
}

/**
 * With a batch (batched-consumer.ts), each attempt is flushed on its own, with no commit: the
 * consumer is past the event already.
 */
export async function retryParked(
  store: EventStore,
  state: ConsumerState,
  options: ConsumerOptions,
  batch?: ConsumerBatch,
): Promise<void> {
  for (const entry of await state.parked(options.name)) {
    const [event] = await store.readAll({ fromPosition: entry.position - 1, maxCount: 1 });
    if (event?.id !== entry.eventId) continue;
    const attempt = async () => {
      batch?.discard();
      await options.handle(event);
      await batch?.flush();
    };
    await withLogContext(eventLogContext(event, options.name), async () => {
      if ((await withRetries(attempt, options.retry)) !== undefined) return batch?.discard();
      await state.unpark(entry);
      logger.warn(
        `${options.name} handled ${event.type} ${event.streamId}@${event.revision} it had parked`,
      );
    });
  }
}

const SNAPSHOTS = 'snapshots';

/**
 * Aggregate snapshots kept with the read models: a cache of folds, safe to lose (commands then read
 * the whole stream once). A command waits for them no longer than for any other read (tenant.ts).
 */
export function readModelSnapshots(readModels: ReadModelStore): SnapshotStore {
  return {
    load: (streamId) =>
      withinDeadline(readModels.get<Snapshot>(SNAPSHOTS, streamId), 'a snapshot read'),
    save: async (snapshot) =>
      void (await withinDeadline(
        readModels.apply(SNAPSHOTS, snapshot.streamId, snapshot.revision + 1, () => snapshot),
        'a snapshot write',
      )),
  };
}
