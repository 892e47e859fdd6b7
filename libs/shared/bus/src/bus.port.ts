import type { RecordedEvent } from '@billing/shared/event-store';

/** An integration event as it travels between services. */
export interface Message<D = unknown> {
  id: string;
  type: string;
  schemaVersion: number;
  topic: string;
  /** Tenant and aggregate id: one aggregate's messages stay in order. */
  key: string;
  data: D;
  tenantId: string;
  correlationId: string;
  causationId: string;
  actor: string;
  occurredAt: string;
}

export type MessageHandler = (message: Message) => Promise<void>;

/**
 * Where a topic's messages come from: a context's own streams, mapped to its published messages.
 */
export interface RelaySource {
  topic: string;
  /** Categories of the producing context's streams, e.g. ['contract-']. */
  streamPrefixes: readonly string[];
  /**
   * The integration messages an event publishes (none for private events); throws on an event it
   * cannot read.
   */
  toMessages(event: RecordedEvent): Message[];
}

export interface Consumer {
  /**
   * True once this consumer has handled every message up to `position` of the store (false while it
   * waits for work it may not own).
   */
  caughtUp(position: number): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * What readiness says of the bus: `up` while it can publish and deliver; `detail` how each part
 * stands.
 */
export interface BusHealth {
  up: boolean;
  detail: Record<string, unknown>;
}

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * ARCHITECTURE.md "Bus semantics": the event store is the outbox (a relay tails it from a
 * committed position), every consumer group has a committed position that survives restarts,
 * delivery is at least once, one key's messages arrive in order, a message that keeps failing
 * is parked with the reason and the group goes on.
 */
export interface Bus {
  /**
   * Publishes a context's integration events from its streams, from the relay's committed position.
   */
  relay(source: RelaySource): Promise<Stoppable>;
  /**
   * Each group gets every message of its topics after its committed position; handlers run one at a
   * time per instance.
   */
  subscribe(group: string, topics: readonly string[], handler: MessageHandler): Promise<Consumer>;
  /**
   * Whether this instance's relays and groups can work now (its broker answers, none is down after
   * a crash).
   */
  health(): Promise<BusHealth>;
  close(): Promise<void>;
}
