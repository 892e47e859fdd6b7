import { INVOICING_TOPIC, type CreditNoteIssuedV1, type InvoiceIssuedV1, type InvoiceVoidedV1 } from '@billing/invoicing/messages';
import { messageFrom, type Message } from '@billing/shared/bus';
import type { RecordedEvent } from '@billing/shared/event-store';
import { decodeLedgerEvent } from './invoicing.events';

export function ledgerMessages(recorded: RecordedEvent): Message[] {
  const event = decodeLedgerEvent(recorded);
  switch (event.type) {
    case 'InvoiceIssued':
      return [messageFrom<InvoiceIssuedV1>(recorded, INVOICING_TOPIC, event.data.contractId, 'InvoiceIssued', event.data)];
    case 'InvoiceVoided':
      return [messageFrom<InvoiceVoidedV1>(recorded, INVOICING_TOPIC, event.data.contractId, 'InvoiceVoided', event.data)];
    case 'CreditNoteIssued':
      return [messageFrom<CreditNoteIssuedV1>(recorded, INVOICING_TOPIC, event.data.contractId, 'CreditNoteIssued', event.data)];
    default:
      return [];
  }
}
