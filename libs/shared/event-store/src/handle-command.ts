import {
  ConcurrencyError,
  dateInZone,
  deepFreeze,
  fold,
  NotFoundError,
  type Decider,
  type DomainEvent,
} from '@billing/shared/kernel';
import { logger } from '@billing/shared/logging';
import { CommandIds } from './command-ids';
import { uuidFrom } from './uuid';
import { InvalidEvent, requireReadable } from './event-schemas';
import {
  IdempotencyKeyReused,
  WrongExpectedVersionError,
  type EventMetadata,
  type EventStore,
  type RecordedEvent,
} from './types';

/** Who acts, for which tenant, under which command id: becomes every event's metadata. */
export interface CommandContext {
  tenantId: string;
  actor: string;
  correlationId: string;
  /**
   * Same id = same command: a second run appends nothing (idempotency key, or derived from a
   * message).
   */
  commandId: string;
  now: Date;
  /** The fingerprint of the HTTP request when it came with an Idempotency-Key. */
  request?: string;
  /**
   * Its fingerprint as releases before the route-spelled path hashed it, when that differs: their
   * events carry this one.
   */
  requestAsSent?: string;
}

export interface CommandResult<S, E> {
  state: S;
  /**
   * Events this run appended (none when the command had already been handled or changed nothing).
   */
  appended: readonly E[];
  revision: number;
  position: number;
}

const MAX_ATTEMPTS = 8;
export const SCHEMA_VERSION = 1;

/**
 * A stream's state folded up to a revision, with the ids of the commands that wrote it (for
 * idempotency).
 */
export interface Snapshot<S = unknown> {
  streamId: string;
  revision: number;
  /** Global position of the event at `revision`. */
  position: number;
  tenantId: string;
  /**
   * Which fold made it: a snapshot of another version is ignored (bump it when `evolve` changes).
   */
  version: string;
  state: S;
  commandIds: string[];
}

export interface SnapshotStore {
  load(streamId: string): Promise<Snapshot | undefined>;
  save(snapshot: Snapshot): Promise<void>;
}

export interface Snapshots {
  store: SnapshotStore;
  version: string;
  /** Take a new snapshot once this many events were read after the last one. */
  every?: number;
}

/**
 * Load the stream (from its snapshot on), fold it, decide, append with the expected revision; a
 * conflicting writer makes it start over (bounded). A command whose id already caused events on
 * the stream appends nothing.
 */
export async function handleCommand<C, E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C,
  context: CommandContext,
  snapshots?: Snapshots,
): Promise<CommandResult<S, E>> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const loaded = ownLoaded(await load(store, streamId, decider, snapshots, attempt > 1), context);
    const { state, revision, position } = loaded;
    if (loaded.commandIds.has(context.commandId)) {
      await requireSameRequest(store, streamId, context);
      return { state, appended: [], revision, position };
    }
    const events = decider.decide(command, state);
    if (events.length === 0) return { state, appended: [], revision, position };
    const metadata = toMetadata(context, (command as { type?: string }).type);
    // The ids name the command and what it decided: a run of the same command that decided the
    // same re-appends the same ids (an idempotent success); one that decided otherwise elsewhere at
    // the same moment (the same Idempotency-Key on another request, sent to another process) is a
    // conflict, never a success that keeps events the store does not hold.
    const newEvents = events.map((event, index) => ({
      id: eventId(context.commandId, streamId, index, event),
      type: event.type,
      data: event.data,
      metadata,
    }));
    try {
      const result = await store.append(streamId, newEvents, revision < 0 ? 'no_stream' : revision);
      const after = events.reduce((current, event) => decider.evolve(current, event), state);
      const commandIds = loaded.commandIds.with([context.commandId]);
      const snapshotDue =
        snapshots !== undefined &&
        loaded.read + events.length >= snapshotSpacing(snapshots, result.nextRevision);
      keep(store, decider, streamId, {
        state: after,
        revision: result.nextRevision,
        position: result.position,
        tenantId: loaded.tenantId ?? context.tenantId,
        commandIds,
        read: snapshotDue ? 0 : loaded.read + events.length,
      });
      // A snapshot is a cache: one that cannot be written now does not fail the command, which is
      // committed (a 503 would invite a retry); the next command reads the stream instead.
      if (snapshots && snapshotDue) {
        await snapshots.store
          .save({
            streamId,
            revision: result.nextRevision,
            position: result.position,
            tenantId: context.tenantId,
            version: snapshots.version,
            state: after,
            commandIds: commandIds.toArray(),
          })
          .catch((error: Error) =>
            logger.warn(
              `snapshot of ${streamId} not written (${error.message}); commands read the stream`,
            ),
          );
      }
      return {
        state: after,
        appended: events,
        revision: result.nextRevision,
        position: result.position,
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      // Another writer (another process) got there first: wait a random while, longer each time,
      // so that writers racing for one stream (a number series) do not keep meeting.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** attempt));
    }
  }
  throw new ConcurrencyError(`${streamId} kept changing while the command was decided; try again`);
}

/**
 * The state a command on the stream would be decided on now (the kept state, or the snapshot, and
 * the events after it), for a handler that checks before it acts: not a read of the whole stream.
 */
export async function currentState<E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<unknown, E, S>,
  context: CommandContext,
  snapshots?: Snapshots,
): Promise<Pick<CommandResult<S, E>, 'state' | 'revision' | 'position'>> {
  const loaded = ownLoaded(await load(store, streamId, decider, snapshots), context);
  // A command of several steps reads first (an issue): another request under its key is refused
  // here already, as handleCommand would.
  if (loaded.commandIds.has(context.commandId)) await requireSameRequest(store, streamId, context);
  return { state: loaded.state, revision: loaded.revision, position: loaded.position };
}

/** Stream ids are global; a tenant never sees, let alone changes, another tenant's aggregate. */
function ownLoaded<S>(loaded: Loaded<S>, context: CommandContext): Loaded<S> {
  if (loaded.tenantId !== undefined && loaded.tenantId !== context.tenantId)
    throw new NotFoundError('not found');
  return loaded;
}

const SNAPSHOT_EVERY = 50;
/** A snapshot is at most this share of its stream behind: see snapshotSpacing. */
const SNAPSHOT_SPREAD = 10;

/**
 * Events between snapshots: `every`, or a tenth of the stream once that is more. A snapshot holds
 * the whole state, which grows with some streams (a year's number series, a customer's account);
 * taken every 50 events, its write was a cost every command of a long stream shared (1 MB every 50
 * reservations at 10,000). Spaced by the stream's length, it costs a command the same however long
 * the stream, and a start reads at most a tenth of the stream after it.
 */
const snapshotSpacing = (snapshots: Snapshots, revision: number) =>
  Math.max(snapshots.every ?? SNAPSHOT_EVERY, Math.floor((revision + 1) / SNAPSHOT_SPREAD));

interface Loaded<S> {
  state: S;
  revision: number;
  position: number;
  tenantId?: string;
  commandIds: CommandIds;
  /** Events read after the snapshot. */
  read: number;
}

/** States kept per store and decider: the streams most recently decided on. */
const KEPT_STATES = 1_000;
const kept = new WeakMap<EventStore, WeakMap<object, Map<string, Loaded<unknown>>>>();

/**
 * The state this process last decided on for a stream, kept after its append: the next command on
 * the stream reads only the events after it (none, unless another process appended), not the
 * stream or its snapshot. Kept frozen, since commands share it: a fold that changes the state it is
 * given throws instead of changing the kept one. A conflict forgets it.
 */
function keep<S>(store: EventStore, decider: object, streamId: string, loaded: Loaded<S>): void {
  let byDecider = kept.get(store);
  if (!byDecider) kept.set(store, (byDecider = new WeakMap()));
  let states = byDecider.get(decider);
  if (!states) byDecider.set(decider, (states = new Map<string, Loaded<unknown>>()));
  states.delete(streamId);
  states.set(streamId, { ...loaded, state: deepFreeze(loaded.state) });
  if (states.size > KEPT_STATES) states.delete(states.keys().next().value!);
}

function keptState<S>(store: EventStore, decider: object, streamId: string): Loaded<S> | undefined {
  return kept.get(store)?.get(decider)?.get(streamId) as Loaded<S> | undefined;
}

function forget(store: EventStore, decider: object, streamId: string): void {
  kept.get(store)?.get(decider)?.delete(streamId);
}

async function load<E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<unknown, E, S>,
  snapshots?: Snapshots,
  conflicted = false,
): Promise<Loaded<S>> {
  let loaded = await read(store, streamId, decider, snapshots);
  // After a conflict the kept state goes on with the other writer's events after it, unless the
  // store has none after it (it is behind the kept state: restored from a backup): then the stream
  // is read again from the snapshot.
  if (conflicted && loaded === keptState(store, decider, streamId)) {
    forget(store, decider, streamId);
    loaded = await read(store, streamId, decider, snapshots);
  }
  if (loaded.revision >= 0) keep(store, decider, streamId, loaded);
  return loaded;
}

/**
 * The kept state and the events after it; or else the snapshot (a read-model read) and the stream's
 * last `every` events (an event-store read), read at once, not one after the other: a stream
 * shorter than that is all there, and most have a snapshot within that many events of its end (it
 * is taken again once that many were read after it). A stream with no snapshot there (none yet,
 * another fold version, one left behind, or one of a stream longer than 500 events, snapshotted a
 * tenth of its length apart) reads the events between too.
 */
async function read<E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<unknown, E, S>,
  snapshots?: Snapshots,
): Promise<Loaded<S>> {
  const known = keptState<S>(store, decider, streamId);
  if (known) {
    const tail = await store.readStream(streamId, { fromRevision: known.revision + 1 });
    return tail.length === 0 ? known : folded(decider, known, tail);
  }
  if (!snapshots) return folded(decider, undefined, await store.readStream(streamId));
  const [found, newest] = await Promise.all([
    // A snapshot that cannot be read now is a cache miss: the stream is read instead.
    snapshots.store.load(streamId).catch((error: Error) => {
      logger.warn(`snapshot of ${streamId} not read (${error.message}); reading the stream`);
      return undefined;
    }),
    store.readStream(streamId, {
      direction: 'backwards',
      maxCount: snapshots.every ?? SNAPSHOT_EVERY,
    }),
  ]);
  const last = newest.reverse();
  const first = last[0]?.revision ?? 0;
  const snapshot = found?.version === snapshots.version ? (found as Snapshot<S>) : undefined;
  if (snapshot && snapshot.revision >= first - 1)
    return folded(
      decider,
      snapshot,
      last.filter((event) => event.revision > snapshot.revision),
    );
  if (first === 0) return folded(decider, undefined, last);
  const from = snapshot ? snapshot.revision + 1 : 0;
  return folded(decider, snapshot, [
    ...(await store.readStream(streamId, { fromRevision: from, maxCount: first - from })),
    ...last,
  ]);
}

/** The state after `tail`, from the kept state or snapshot it follows (or the start). */
function folded<E extends DomainEvent, S>(
  decider: Decider<unknown, E, S>,
  from: Loaded<S> | Snapshot<S> | undefined,
  tail: readonly RecordedEvent[],
): Loaded<S> {
  const tenantId = from?.tenantId ?? tail[0]?.metadata.tenantId;
  let next = from ? from.revision + 1 : (tail[0]?.revision ?? 0);
  for (const event of tail) {
    requireReadable(event);
    // A stream is one tenant's, its revisions one after another: an event naming another tenant,
    // or past a gap (written by hand), is never decided on.
    if (event.metadata.tenantId !== tenantId)
      throw new InvalidEvent(event, [
        `metadata.tenantId: ${event.metadata.tenantId} in a stream of tenant ${tenantId}`,
      ]);
    if (event.revision !== next++)
      throw new InvalidEvent(event, [`revision: ${event.revision} where ${next - 1} comes next`]);
  }
  const last = tail.at(-1);
  return {
    state: (tail as unknown as E[]).reduce(
      (state, event) => decider.evolve(state, event),
      from ? from.state : decider.initialState,
    ),
    revision: last?.revision ?? from?.revision ?? -1,
    position: last?.position ?? from?.position ?? 0,
    tenantId,
    commandIds: idsOf(from).with(tail.map((event) => event.metadata.causationId)),
    read: (from && 'read' in from ? from.read : 0) + tail.length,
  };
}

/** A kept state's command ids as they are, a snapshot's as stored. */
const idsOf = (from: Loaded<unknown> | Snapshot<unknown> | undefined): CommandIds =>
  from === undefined
    ? CommandIds.none
    : from.commandIds instanceof CommandIds
      ? from.commandIds
      : CommandIds.of(from.commandIds);

export function toMetadata(context: CommandContext, command?: string): EventMetadata {
  return {
    tenantId: context.tenantId,
    correlationId: context.correlationId,
    causationId: context.commandId,
    actor: context.actor,
    occurredAt: context.now.toISOString(),
    schemaVersion: SCHEMA_VERSION,
    ...(command ? { command } : {}),
    ...(context.request ? { request: context.request } : {}),
  };
}

/** The id of a command's `index`-th event on a stream: named by the command and what it decided. */
export const eventId = (commandId: string, streamId: string, index: number, event: DomainEvent) =>
  uuidFrom(`${commandId}/${streamId}/${index}/${event.type}/${JSON.stringify(event.data)}`);

/**
 * A command found done already is this request's own (a retry, or its first run cut short before
 * it answered), never another request's under the same Idempotency-Key (sent to another process at
 * the same moment): that one would answer for events it did not write. Read on this path only, and
 * from the stream's end, where the command's events usually are.
 */
async function requireSameRequest(
  store: EventStore,
  streamId: string,
  context: CommandContext,
): Promise<void> {
  if (!context.request) return;
  const mine = (event: RecordedEvent) => event.metadata.causationId === context.commandId;
  const found =
    (await store.readStream(streamId, { direction: 'backwards', maxCount: 100 })).find(mine) ??
    (await store.readStream(streamId)).find(mine);
  if (
    found?.metadata.request !== undefined &&
    ((found.metadata.request !== context.request &&
      found.metadata.request !== context.requestAsSent) ||
      found.metadata.actor !== context.actor)
  )
    throw new IdempotencyKeyReused(
      'this Idempotency-Key was first used with another request; use a new key for a new request',
    );
}

/**
 * The two axes of an audit view (ADR 17): `knownAt`, the instant whose knowledge counts (events
 * recorded up to then), and `date`, the business date the position is asked for (events whose own
 * business date is on or before it). "What did we know on 15 May about 30 April" is
 * `{ knownAt: 2026-05-15T23:59:59Z, date: '2026-04-30' }`.
 */
export interface AsOf {
  knownAt: Date;
  date?: string;
}

/**
 * An event's own business date (its issue date, payment date, ...), or undefined for one that has
 * none: it counts from the day it occurred.
 */
export type BusinessDate<E> = (event: E) => string | undefined;

/** How a stream's events are dated for an audit view. */
export interface Dating<E> {
  businessDate: BusinessDate<E>;
  /** The zone whose calendar dates an event without a business date of its own. */
  timeZone: string;
  /**
   * The first event (the one that creates the aggregate) counts from the earliest date of the
   * stream's events, when a later one may be dated before it: a contract entered today for work
   * activated on 5 Jan existed on 5 Jan.
   */
  firstFromEarliest?: boolean;
}

/**
 * Fold a stream as it stood on both axes: the audit view of any aggregate. Without `date`, every
 * event recorded by `knownAt`; without `knownAt`, everything recorded.
 */
export async function stateAsOf<E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>,
  asOf: Partial<AsOf>,
  tenantId: string,
  dating: Dating<E>,
): Promise<{ state: S; events: RecordedEvent[] }> {
  const stream = await store.readStream(streamId);
  // An event that names no tenant would be left out unnoticed: the view fails instead.
  stream.forEach(requireReadable);
  const known = stream.filter(
    (event) =>
      event.metadata.tenantId === tenantId &&
      (asOf.knownAt === undefined || Date.parse(event.recordedAt) <= asOf.knownAt.getTime()),
  );
  const dateOf = (event: RecordedEvent) =>
    dating.businessDate(event as unknown as E) ??
    dateInZone(new Date(event.metadata.occurredAt), dating.timeZone);
  const dates = known.map(dateOf);
  if (dating.firstFromEarliest && dates.length > 0) dates[0] = [...dates].sort()[0];
  const events = known.filter((_, index) => asOf.date === undefined || dates[index] <= asOf.date);
  return { state: fold(decider, events as unknown as E[]), events };
}
