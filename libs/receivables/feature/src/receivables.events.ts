import {
  accountEventSchemas,
  accountEventUpcasters,
  accountStream,
  legacyAccountStream,
  type AccountEvent,
} from '@billing/receivables/domain';
import { EventSchemas, InvalidEvent, type RecordedEvent } from '@billing/shared/event-store';

const schemas = new EventSchemas().register(accountEventSchemas, accountEventUpcasters);

/**
 * A stored event as its domain type, checked against its type's schema and against its stream: the
 * account of the customer and tenant it names (or, in a store from before ADR 8, of the customer).
 * Throws InvalidEvent otherwise: a row written into another account by hand is parked, never
 * applied to the account (of another tenant, perhaps) that its data names.
 */
export function decodeAccountEvent(recorded: RecordedEvent): AccountEvent {
  const event = schemas.decode<AccountEvent>(recorded);
  const { tenantId } = recorded.metadata;
  const { customerId } = event.data;
  if (
    recorded.streamId !== accountStream(tenantId, customerId) &&
    recorded.streamId !== legacyAccountStream(customerId)
  )
    throw new InvalidEvent(recorded, [
      `its stream is not the account of customer ${customerId} of tenant ${tenantId}`,
    ]);
  return event;
}
