import { ConcurrencyError, dateInZone, fold, NotFoundError, type Decider, type DomainEvent } from '@billing/shared/kernel';
import { uuidFrom } from './uuid';
import { WrongExpectedVersionError, type EventMetadata, type EventStore, type RecordedEvent } from './types';

/** Who acts, for which tenant, under which command id: becomes every event's metadata. */
export interface CommandContext {
  tenantId: string;
  actor: string;
  correlationId: string;
  /** Same id = same command: a second run appends nothing (idempotency key, or derived from a message). */
  commandId: string;
  now: Date;
}

export interface CommandResult<S, E> {
  state: S;
  /** Events this run appended (none when the command had already been handled or changed nothing). */
  appended: readonly E[];
  revision: number;
  position: number;
}

const MAX_ATTEMPTS = 5;
export const SCHEMA_VERSION = 1;

/** A stream's state folded up to a revision, with the ids of the commands that wrote it (for idempotency). */
export interface Snapshot<S = unknown> {
  streamId: string;
  revision: number;
  /** Global position of the event at `revision`. */
  position: number;
  tenantId: string;
  /** Which fold made it: a snapshot of another version is ignored (bump it when `evolve` changes). */
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
    const loaded = await load(store, streamId, decider, snapshots);
    // Stream ids are global; a tenant never sees, let alone changes, another tenant's aggregate.
    if (loaded.tenantId !== undefined && loaded.tenantId !== context.tenantId) throw new NotFoundError('not found');
    const { state, revision, position } = loaded;
    if (loaded.commandIds.has(context.commandId)) return { state, appended: [], revision, position };
    const events = decider.decide(command, state);
    if (events.length === 0) return { state, appended: [], revision, position };
    const metadata = toMetadata(context, (command as { type?: string }).type);
    const newEvents = events.map((event, index) => ({ id: uuidFrom(`${context.commandId}/${streamId}/${index}`), type: event.type, data: event.data, metadata }));
    try {
      const result = await store.append(streamId, newEvents, revision < 0 ? 'no_stream' : revision);
      const after = events.reduce((current, event) => decider.evolve(current, event), state);
      if (snapshots && loaded.read + events.length >= (snapshots.every ?? SNAPSHOT_EVERY)) {
        const commandIds = [...loaded.commandIds, context.commandId];
        await snapshots.store.save({
          streamId,
          revision: result.nextRevision,
          position: result.position,
          tenantId: context.tenantId,
          version: snapshots.version,
          state: after,
          commandIds,
        });
      }
      return { state: after, appended: events, revision: result.nextRevision, position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
  }
  throw new ConcurrencyError(`${streamId} kept changing while the command was decided; try again`);
}

const SNAPSHOT_EVERY = 50;

interface Loaded<S> {
  state: S;
  revision: number;
  position: number;
  tenantId?: string;
  commandIds: Set<string>;
  /** Events read after the snapshot. */
  read: number;
}

async function load<E extends DomainEvent, S>(store: EventStore, streamId: string, decider: Decider<unknown, E, S>, snapshots?: Snapshots): Promise<Loaded<S>> {
  const found = await snapshots?.store.load(streamId);
  const snapshot = found?.version === snapshots?.version ? (found as Snapshot<S> | undefined) : undefined;
  const tail = await store.readStream(streamId, { fromRevision: snapshot ? snapshot.revision + 1 : 0 });
  const last = tail.at(-1);
  return {
    state: (tail as unknown as E[]).reduce((state, event) => decider.evolve(state, event), snapshot ? snapshot.state : decider.initialState),
    revision: last?.revision ?? snapshot?.revision ?? -1,
    position: last?.position ?? snapshot?.position ?? 0,
    tenantId: snapshot?.tenantId ?? tail[0]?.metadata.tenantId,
    commandIds: new Set([...(snapshot?.commandIds ?? []), ...tail.map((event) => event.metadata.causationId)]),
    read: tail.length,
  };
}

export function toMetadata(context: CommandContext, command?: string): EventMetadata {
  return {
    tenantId: context.tenantId,
    correlationId: context.correlationId,
    causationId: context.commandId,
    actor: context.actor,
    occurredAt: context.now.toISOString(),
    schemaVersion: SCHEMA_VERSION,
    ...(command ? { command } : {}),
  };
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

/** An event's own business date (its issue date, payment date, ...), or undefined for one that has none: it counts from the day it occurred. */
export type BusinessDate<E> = (event: E) => string | undefined;

/** Fold a stream as it stood on both axes: the audit view of any aggregate. Without `date`, every event recorded by `knownAt`. */
export async function stateAsOf<E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>,
  asOf: AsOf,
  tenantId: string,
  dating: { businessDate: BusinessDate<E>; timeZone: string },
): Promise<{ state: S; events: RecordedEvent[] }> {
  const dated = (event: RecordedEvent) =>
    asOf.date === undefined || (dating.businessDate(event as unknown as E) ?? dateInZone(new Date(event.metadata.occurredAt), dating.timeZone)) <= asOf.date;
  const events = (await store.readStream(streamId)).filter(
    (event) => event.metadata.tenantId === tenantId && Date.parse(event.recordedAt) <= asOf.knownAt.getTime() && dated(event),
  );
  return { state: fold(decider, events as unknown as E[]), events };
}
