import type { EventStore, RecordedEvent, Subscription } from '@billing/shared/event-store';
import type { Bus, Message } from './bus.port';

export interface RelayOptions {
  /** Categories of this service's streams, e.g. ['contract-']. */
  streamPrefixes: readonly string[];
  /** The integration messages an event publishes (none for private events). */
  toMessages(event: RecordedEvent): Message[];
  /** Position already published (0 = from the start). */
  fromPosition?: number;
  /** Called after each published event with its position, to store a checkpoint. */
  checkpoint?(position: number): Promise<void>;
}

/** The event store is the outbox: tail it and publish, at least once, in commit order. */
export function startRelay(store: EventStore, bus: Bus, options: RelayOptions): Subscription {
  return store.subscribeToAll({ fromPosition: options.fromPosition ?? 0, streamPrefixes: options.streamPrefixes }, async (event) => {
    const messages = options.toMessages(event);
    if (messages.length > 0) await bus.publish(messages);
    await options.checkpoint?.(event.position);
  });
}

/** Envelope for a message published because of a stored event: id and trace come from the event. */
export function messageFrom<D>(event: RecordedEvent, topic: string, key: string, type: string, data: D, schemaVersion = 1): Message<D> {
  return {
    id: event.id,
    type,
    schemaVersion,
    topic,
    key,
    data,
    tenantId: event.metadata.tenantId,
    correlationId: event.metadata.correlationId,
    causationId: event.id,
    actor: event.metadata.actor,
    occurredAt: event.metadata.occurredAt,
  };
}
