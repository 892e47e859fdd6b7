import { ConcurrencyError, fold, NotFoundError, type Decider, type DomainEvent } from '@billing/shared/kernel';
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

/**
 * Load the stream, fold it, decide, append with the expected revision; a conflicting writer makes
 * it start over (bounded). A command whose id already caused events on the stream appends nothing.
 */
export async function handleCommand<C, E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C,
  context: CommandContext,
): Promise<CommandResult<S, E>> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const history = await store.readStream(streamId);
    // Stream ids are global; a tenant never sees, let alone changes, another tenant's aggregate.
    if (history.length > 0 && history[0].metadata.tenantId !== context.tenantId) throw new NotFoundError('not found');
    const state = fold(decider, history as unknown as E[]);
    const revision = history.length - 1;
    const position = history[revision]?.position ?? 0;
    if (history.some((event) => event.metadata.causationId === context.commandId)) return { state, appended: [], revision, position };
    const events = decider.decide(command, state);
    if (events.length === 0) return { state, appended: [], revision, position };
    const metadata = toMetadata(context, (command as { type?: string }).type);
    const newEvents = events.map((event, index) => ({ id: uuidFrom(`${context.commandId}/${streamId}/${index}`), type: event.type, data: event.data, metadata }));
    try {
      const result = await store.append(streamId, newEvents, revision < 0 ? 'no_stream' : revision);
      return { state: events.reduce((current, event) => decider.evolve(current, event), state), appended: events, revision: result.nextRevision, position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
  }
  throw new ConcurrencyError(`${streamId} kept changing while the command was decided; try again`);
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

/** Fold a stream as it stood at an instant (by recordedAt): the audit view of any aggregate. */
export async function stateAsOf<E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>,
  asOf: Date,
  tenantId: string,
): Promise<{ state: S; events: RecordedEvent[] }> {
  const events = (await store.readStream(streamId)).filter((event) => event.metadata.tenantId === tenantId && Date.parse(event.recordedAt) <= asOf.getTime());
  return { state: fold(decider, events as unknown as E[]), events };
}
