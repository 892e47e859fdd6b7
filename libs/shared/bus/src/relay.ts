import type { RecordedEvent } from '@billing/shared/event-store';
import type { Message } from './bus.port';

/**
 * Envelope for a message published because of a stored event: id and trace come from the event, the
 * key is tenant-scoped.
 */
export function messageFrom<D>(
  event: RecordedEvent,
  topic: string,
  aggregateId: string,
  type: string,
  data: D,
  schemaVersion = 1,
): Message<D> {
  return {
    id: event.id,
    type,
    schemaVersion,
    topic,
    key: `${event.metadata.tenantId}/${aggregateId}`,
    data,
    tenantId: event.metadata.tenantId,
    correlationId: event.metadata.correlationId,
    causationId: event.id,
    actor: event.metadata.actor,
    occurredAt: event.metadata.occurredAt,
  };
}
