import type { RecordedEvent } from '@billing/shared/event-store';

/**
 * One event as an auditor reads it: where it is, who acted, when (decided and recorded), why (the
 * command, the correlation, the reason given), and what.
 */
export interface AuditEntry {
  position: number;
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  recordedAt: string;
  occurredAt: string;
  actor: string;
  command?: string;
  reason?: string;
  correlationId: string;
  causationId: string;
  tenantId: string;
  schemaVersion: number;
  /** Its link in the stream's hash chain; absent on events appended before hashing (ADR 19). */
  hash?: string;
  data: unknown;
}

export function auditEntry(event: RecordedEvent): AuditEntry {
  const { metadata } = event;
  const reason = (event.data as { reason?: unknown } | null)?.reason;
  return {
    position: event.position,
    streamId: event.streamId,
    revision: event.revision,
    eventId: event.id,
    type: event.type,
    recordedAt: event.recordedAt,
    occurredAt: metadata.occurredAt,
    actor: metadata.actor,
    ...(metadata.command === undefined ? {} : { command: metadata.command }),
    ...(typeof reason === 'string' ? { reason } : {}),
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    tenantId: metadata.tenantId,
    schemaVersion: metadata.schemaVersion,
    ...(event.hash === undefined ? {} : { hash: event.hash }),
    data: event.data,
  };
}
