import {
  CONTRACTS_TOPIC,
  type ChangeOrderApprovedV1,
  type ContractActivatedV1,
  type ContractPhaseChangedV1,
  type ScheduleLineV1,
} from '@billing/contracts/messages';
import { messageFrom, type Message } from '@billing/shared/bus';
import type { RecordedEvent } from '@billing/shared/event-store';
import type { ScheduleLine } from '@billing/contracts/domain';
import { decodeContractEvent } from './contracts.events';

/**
 * Domain events -> the integration events other contexts may rely on, field by field (a domain
 * field is not published unless named here); the rest stay private.
 */
export function contractMessages(recorded: RecordedEvent): Message[] {
  const event = decodeContractEvent(recorded);
  const publish = <D>(type: string, data: D) => [
    messageFrom(recorded, CONTRACTS_TOPIC, event.data.contractId, type, data),
  ];
  switch (event.type) {
    case 'ContractActivated': {
      const { contractId, activatedOn, terms, lines } = event.data;
      const {
        customer,
        title,
        currency,
        originalSum,
        basis,
        retainage,
        taxRate,
        paymentTermsDays,
        poNumber,
      } = terms;
      return publish<ContractActivatedV1>('ContractActivated', {
        contractId,
        activatedOn,
        customer: {
          id: customer.id,
          name: customer.name,
          email: customer.email,
          address: customer.address,
        },
        title,
        currency,
        originalSum,
        basis,
        retainage: retainage.map(({ threshold, workRate, materialsRate }) => ({
          threshold,
          workRate,
          materialsRate,
        })),
        taxRate,
        paymentTermsDays,
        poNumber,
        lines: lines.map(lineV1),
      });
    }
    case 'ChangeOrderApproved': {
      const { contractId, changeOrderId, number, amount, approvedOn, lines } = event.data;
      return publish<ChangeOrderApprovedV1>('ChangeOrderApproved', {
        contractId,
        changeOrderId,
        number,
        amount,
        approvedOn,
        lines: lines.map(lineV1),
      });
    }
    case 'ContractSuspended':
      return publish<ContractPhaseChangedV1>('ContractPhaseChanged', {
        contractId: event.data.contractId,
        phase: 'suspended',
        on: event.data.suspendedOn,
      });
    case 'ContractResumed':
      return publish<ContractPhaseChangedV1>('ContractPhaseChanged', {
        contractId: event.data.contractId,
        phase: 'active',
        on: event.data.resumedOn,
      });
    case 'ContractCompleted':
      return publish<ContractPhaseChangedV1>('ContractPhaseChanged', {
        contractId: event.data.contractId,
        phase: 'completed',
        on: event.data.completedOn,
      });
    default:
      return [];
  }
}

const lineV1 = ({ lineId, item, description, scheduledValue }: ScheduleLine): ScheduleLineV1 => ({
  lineId,
  item,
  description,
  scheduledValue,
});
