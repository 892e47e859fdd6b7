import type { IHeaders, KafkaMessage, Message as KafkaRecord } from 'kafkajs';
import { InvalidMessage, type Message } from '@billing/shared/bus';

/**
 * ARCHITECTURE.md "Bus semantics": the envelope travels in headers, the value is the message data
 * as JSON.
 */
const HEADERS = {
  id: 'event-id',
  type: 'type',
  schemaVersion: 'schema-version',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  tenantId: 'tenant',
  actor: 'actor',
  occurredAt: 'occurred-at',
} as const;

type Envelope = Omit<Message, 'topic' | 'key' | 'data' | 'schemaVersion'>;

export function toRecord(message: Message): KafkaRecord {
  const headers: IHeaders = { [HEADERS.schemaVersion]: String(message.schemaVersion) };
  for (const field of [
    'id',
    'type',
    'correlationId',
    'causationId',
    'tenantId',
    'actor',
    'occurredAt',
  ] as const)
    headers[HEADERS[field]] = message[field];
  return { key: message.key, value: JSON.stringify(message.data), headers };
}

/** The message a record carries; throws InvalidMessage (parked, never retried) if it is not one. */
export function fromRecord(topic: string, record: KafkaMessage): Message {
  const missing = Object.values(HEADERS).filter((name) => header(record, name) === undefined);
  if (missing.length > 0)
    throw new InvalidMessage(`the record has no ${missing.join(', ')} header`);
  const schemaVersion = Number(header(record, HEADERS.schemaVersion));
  if (!Number.isInteger(schemaVersion))
    throw new InvalidMessage(
      `schema version "${header(record, HEADERS.schemaVersion)}" is not an integer`,
    );
  let data: unknown;
  try {
    data = JSON.parse(record.value?.toString('utf8') ?? '');
  } catch {
    throw new InvalidMessage('the record value is not JSON');
  }
  const envelope = Object.fromEntries(
    Object.entries(HEADERS).map(([field, name]) => [field, header(record, name)]),
  ) as unknown as Envelope;
  return { ...envelope, topic, key: record.key?.toString('utf8') ?? '', data, schemaVersion };
}

/** What a parked record is filed under, as far as its headers tell. */
export function identify(
  record: KafkaMessage,
  where: string,
): { id: string; type: string; tenantId: string } {
  return {
    id: header(record, HEADERS.id) ?? where,
    type: header(record, HEADERS.type) ?? 'unknown',
    tenantId: header(record, HEADERS.tenantId) ?? '',
  };
}

export function header(record: KafkaMessage, name: string): string | undefined {
  const value = record.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
