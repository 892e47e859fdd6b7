import { contractEventSchemas, type ContractEvent } from '@billing/contracts/domain';
import { EventSchemas, type RecordedEvent } from '@billing/shared/event-store';

const schemas = new EventSchemas().register(contractEventSchemas);

/**
 * A stored event as its domain type, checked against its type's schema (throws InvalidEvent
 * otherwise).
 */
export const decodeContractEvent = (recorded: RecordedEvent) =>
  schemas.decode<ContractEvent>(recorded);
