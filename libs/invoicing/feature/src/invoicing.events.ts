import {
  ledgerEventSchemas,
  numberingEventSchemas,
  type LedgerEvent,
  type NumberingEvent,
} from '@billing/invoicing/domain';
import { EventSchemas, type RecordedEvent } from '@billing/shared/event-store';

const schemas = new EventSchemas().register(ledgerEventSchemas).register(numberingEventSchemas);

/**
 * A stored event as its domain type, checked against its type's schema (throws InvalidEvent
 * otherwise).
 */
export const decodeLedgerEvent = (recorded: RecordedEvent) => schemas.decode<LedgerEvent>(recorded);
export const decodeNumberingEvent = (recorded: RecordedEvent) =>
  schemas.decode<NumberingEvent>(recorded);
