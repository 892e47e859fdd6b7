import type { BillingFigures, BillTo } from '@billing/invoicing/domain';
import {
  INVOICING_TOPIC,
  type BillingFiguresV1,
  type CreditNoteIssuedV1,
  type InvoiceIssuedV1,
  type InvoiceVoidedV1,
} from '@billing/invoicing/messages';
import { messageFrom, type Message } from '@billing/shared/bus';
import type { RecordedEvent } from '@billing/shared/event-store';
import { decodeLedgerEvent } from './invoicing.events';

/**
 * Ledger events -> the integration events other contexts rely on, field by field (a domain field is
 * not published unless named here).
 */
export function ledgerMessages(recorded: RecordedEvent): Message[] {
  const event = decodeLedgerEvent(recorded);
  switch (event.type) {
    case 'InvoiceIssued': {
      const {
        contractId,
        invoiceId,
        kind,
        number,
        issueDate,
        dueDate,
        amount,
        tax,
        total,
        figures,
      } = event.data;
      const data: InvoiceIssuedV1 = {
        ...documentV1(event.data),
        invoiceId,
        kind,
        number,
        issueDate,
        dueDate,
        amount,
        tax,
        total,
        figures: figuresV1(figures),
      };
      return [messageFrom(recorded, INVOICING_TOPIC, contractId, 'InvoiceIssued', data)];
    }
    case 'InvoiceVoided': {
      const { contractId, invoiceId, voidedOn, reason, figures } = event.data;
      const data: InvoiceVoidedV1 = {
        ...documentV1(event.data),
        invoiceId,
        voidedOn,
        reason,
        figures: figuresV1(figures),
      };
      return [messageFrom(recorded, INVOICING_TOPIC, contractId, 'InvoiceVoided', data)];
    }
    case 'CreditNoteIssued': {
      const { contractId, creditNoteId, invoiceId, number, issueDate, reason, amount, tax, total } =
        event.data;
      const data: CreditNoteIssuedV1 = {
        ...documentV1(event.data),
        creditNoteId,
        invoiceId,
        number,
        issueDate,
        reason,
        amount,
        tax,
        total,
      };
      return [messageFrom(recorded, INVOICING_TOPIC, contractId, 'CreditNoteIssued', data)];
    }
    default:
      return [];
  }
}

const documentV1 = ({
  contractId,
  customerId,
  customerName,
  currency,
}: BillTo & { contractId: string }) => ({ contractId, customerId, customerName, currency });

const figuresV1 = ({
  completedAndStoredToDate,
  retainageHeld,
  billedNet,
  billedTax,
}: BillingFigures): BillingFiguresV1 => ({
  completedAndStoredToDate,
  retainageHeld,
  billedNet,
  billedTax,
});
