import {
  accountEventSchemas,
  accountEventUpcasters,
  type AccountEvent,
} from '@billing/receivables/domain';
import { EventSchemas, type RecordedEvent } from '@billing/shared/event-store';

const schemas = new EventSchemas().register(accountEventSchemas, accountEventUpcasters);

/**
 * A stored event as its domain type, checked against its type's schema (throws InvalidEvent
 * otherwise).
 */
export const decodeAccountEvent = (recorded: RecordedEvent) =>
  schemas.decode<AccountEvent>(recorded);
