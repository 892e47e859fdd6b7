import { CONTRACTS_TOPIC, type ChangeOrderApprovedV1, type ContractActivatedV1, type ContractPhaseChangedV1 } from '@billing/contracts/messages';
import { messageFrom, type Message } from '@billing/shared/bus';
import type { RecordedEvent } from '@billing/shared/event-store';
import { decodeContractEvent } from './contracts.events';

/** Domain events -> the integration events other contexts may rely on; the rest stay private. */
export function contractMessages(recorded: RecordedEvent): Message[] {
  const event = decodeContractEvent(recorded);
  const publish = <D>(type: string, data: D) => [messageFrom(recorded, CONTRACTS_TOPIC, event.data.contractId, type, data)];
  switch (event.type) {
    case 'ContractActivated': {
      const { contractId, activatedOn, terms, lines } = event.data;
      return publish<ContractActivatedV1>('ContractActivated', { contractId, activatedOn, ...terms, lines });
    }
    case 'ChangeOrderApproved': {
      const { contractId, changeOrderId, number, amount, approvedOn, lines } = event.data;
      return publish<ChangeOrderApprovedV1>('ChangeOrderApproved', { contractId, changeOrderId, number, amount, approvedOn, lines });
    }
    case 'ContractSuspended':
      return publish<ContractPhaseChangedV1>('ContractPhaseChanged', { contractId: event.data.contractId, phase: 'suspended', on: event.data.suspendedOn });
    case 'ContractResumed':
      return publish<ContractPhaseChangedV1>('ContractPhaseChanged', { contractId: event.data.contractId, phase: 'active', on: event.data.resumedOn });
    case 'ContractCompleted':
      return publish<ContractPhaseChangedV1>('ContractPhaseChanged', { contractId: event.data.contractId, phase: 'completed', on: event.data.completedOn });
    default:
      return [];
  }
}
