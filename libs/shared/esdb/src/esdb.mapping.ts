import {
  DeadlineExceededError,
  UnavailableError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type JSONType,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  StoreUnavailableError,
  WrongExpectedVersionError,
  type EventMetadata,
  type ExpectedRevision,
  type RecordedEvent,
} from '@billing/shared/event-store';

/**
 * Streams whose name starts with `$` are the server's own (stats, metadata, settings, projections'
 * output).
 */
export function isSystemStream(streamId: string): boolean {
  return streamId.startsWith('$');
}

/**
 * Our position is the commit position; a gRPC append's events commit themselves, so the prepare
 * position is the same.
 */
export function esdbPosition(position: number): Position {
  return { commit: BigInt(position), prepare: BigInt(position) };
}

/**
 * Where the adapter keeps an event's chain link in its stored metadata (ADR 19): the hash, and the
 * recorded time the hash covers, which the writer chooses before the server stamps `created`.
 */
export const CHAIN_KEY = 'chain';
export interface ChainLink {
  hash: string;
  recordedAt: string;
}

/** The metadata to store: ours, plus the chain link. */
export function withChainLink(metadata: EventMetadata, link: ChainLink): JSONType {
  return { ...metadata, [CHAIN_KEY]: { ...link } };
}

/**
 * The event of a read answer in our envelope: JSON data, our metadata object without the chain
 * link, its recorded time (or `created` for an event without a link).
 */
export function toRecorded(
  resolved: ResolvedEvent | AllStreamResolvedEvent,
): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  if (!event.position)
    throw new Error(`EventStoreDB answered ${event.streamId}@${event.revision} without a position`);
  const { [CHAIN_KEY]: link, ...metadata } = (event.metadata ?? {}) as Record<string, unknown>;
  const chain = isChainLink(link) ? link : undefined;
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: metadata as unknown as EventMetadata,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: Number(event.position.commit),
    recordedAt: chain?.recordedAt ?? event.created.toISOString(),
    ...(chain ? { hash: chain.hash } : {}),
  };
}

function isChainLink(value: unknown): value is ChainLink {
  const link = value as Partial<ChainLink> | undefined;
  return typeof link?.hash === 'string' && typeof link.recordedAt === 'string';
}

/**
 * The client's typed errors in the port's terms: a wrong expected version keeps the stream's actual
 * revision; a server that cannot be reached or answer in time is a store that cannot take the
 * request now (503: retry, which an exact expected revision makes safe).
 */
export function translateError(
  error: unknown,
  streamId?: string,
  expected?: ExpectedRevision,
): unknown {
  if (
    error instanceof EsdbWrongExpectedVersionError &&
    streamId !== undefined &&
    expected !== undefined
  ) {
    const actual = error.actualVersion;
    return new WrongExpectedVersionError(
      streamId,
      expected,
      typeof actual === 'bigint' ? Number(actual) : 'no_stream',
    );
  }
  if (error instanceof UnavailableError || error instanceof DeadlineExceededError)
    return new StoreUnavailableError(`EventStoreDB: ${error.message}`);
  return error;
}
