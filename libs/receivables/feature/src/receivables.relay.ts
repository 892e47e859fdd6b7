import { RECEIVABLES_TOPIC, type InvoiceBalancesChangedV1 } from '@billing/receivables/messages';
import { messageFrom, type Message } from '@billing/shared/bus';
import type { RecordedEvent } from '@billing/shared/event-store';
import { decodeAccountEvent } from './receivables.events';

/**
 * Each account event that moves an invoice's balance publishes the balances after it, field by
 * field.
 */
export function accountMessages(recorded: RecordedEvent): Message[] {
  const event = decodeAccountEvent(recorded);
  const publish = (
    cause: InvoiceBalancesChangedV1['cause'],
    on: string,
    balances: InvoiceBalancesChangedV1['balances'],
  ): Message[] =>
    balances.length
      ? [
          messageFrom<InvoiceBalancesChangedV1>(
            recorded,
            RECEIVABLES_TOPIC,
            event.data.customerId,
            'InvoiceBalancesChanged',
            {
              customerId: event.data.customerId,
              cause,
              on,
              balances: balances.map(({ invoiceId, contractId, paid, open }) => ({
                invoiceId,
                contractId,
                paid,
                open,
              })),
            },
          ),
        ]
      : [];
  switch (event.type) {
    case 'InvoiceOpened':
      return publish('opened', event.data.issueDate, event.data.balances);
    case 'InvoiceCancelled':
      return publish('void', event.data.voidedOn, event.data.balances);
    case 'CreditNoteRecorded':
      return publish('credit-note', event.data.issueDate, event.data.balances);
    case 'PaymentReceived':
      return publish('payment', event.data.receivedOn, event.data.balances);
    case 'PaymentReversed':
      return publish('reversal', event.data.reversedOn, event.data.balances);
    case 'CreditApplied':
      return publish('credit-applied', event.data.appliedOn, event.data.balances);
    case 'InvoiceWrittenOff':
      return publish('write-off', event.data.writtenOffOn, event.data.balances);
    case 'ReminderSent':
      return [];
  }
}
