import type { AccountEvent } from '@billing/receivables/domain';

/**
 * One dated line of a customer's book: its effect on the balance and on each invoice's open amount.
 */
export interface BookEntry {
  position: number;
  date: string;
  kind:
    'invoice' | 'void' | 'credit-note' | 'payment' | 'reversal' | 'credit-applied' | 'write-off';
  reference: string;
  /** + raises what the customer owes, - lowers it. */
  amount: number;
  effects: { invoiceId: string; amount: number }[];
}

/** What the book needs of an invoice already on the account. */
export interface BookInvoice {
  number: string;
  total: number;
  /** Open amount before the event being booked. */
  openBefore: number;
}

/** The book entry an event writes, if any (reminders change no balance). */
export function bookEntry(
  event: AccountEvent,
  position: number,
  invoiceOf: (invoiceId: string) => BookInvoice | undefined,
): BookEntry | undefined {
  const entry = (
    date: string,
    kind: BookEntry['kind'],
    reference: string,
    amount: number,
    effects: BookEntry['effects'],
  ): BookEntry => ({
    position,
    date,
    kind,
    reference,
    amount,
    effects,
  });
  switch (event.type) {
    case 'InvoiceOpened':
      return entry(event.data.issueDate, 'invoice', event.data.number, event.data.total, [
        { invoiceId: event.data.invoiceId, amount: event.data.total },
      ]);
    case 'InvoiceCancelled': {
      const invoice = invoiceOf(event.data.invoiceId);
      // What the invoice still charged: its open amount, and what was paid on it (given back as
      // credit). Credited or written off before the void (a void racing them) was taken off by
      // those entries already.
      return entry(
        event.data.voidedOn,
        'void',
        invoice?.number ?? event.data.invoiceId,
        -((invoice?.openBefore ?? 0) + event.data.creditedBack),
        [{ invoiceId: event.data.invoiceId, amount: -(invoice?.openBefore ?? 0) }],
      );
    }
    case 'CreditNoteRecorded':
      return entry(event.data.issueDate, 'credit-note', event.data.number, -event.data.total, [
        { invoiceId: event.data.invoiceId, amount: -event.data.toInvoice },
      ]);
    case 'PaymentReceived':
      return entry(
        event.data.receivedOn,
        'payment',
        event.data.reference,
        -event.data.amount,
        event.data.allocations.map((a) => ({ invoiceId: a.invoiceId, amount: -a.amount })),
      );
    case 'PaymentReversed':
      return entry(
        event.data.reversedOn,
        'reversal',
        event.data.reference ?? event.data.paymentId,
        event.data.amount,
        event.data.reopened.map((a) => ({ invoiceId: a.invoiceId, amount: a.amount })),
      );
    case 'CreditApplied':
      return entry(event.data.appliedOn, 'credit-applied', event.data.applicationId, 0, [
        { invoiceId: event.data.invoiceId, amount: -event.data.amount },
      ]);
    case 'InvoiceWrittenOff':
      return entry(
        event.data.writtenOffOn,
        'write-off',
        invoiceOf(event.data.invoiceId)?.number ?? event.data.invoiceId,
        -event.data.amount,
        [{ invoiceId: event.data.invoiceId, amount: -event.data.amount }],
      );
    case 'ReminderSent':
      return undefined;
  }
}

/**
 * The change in unapplied credit an event makes (DOMAIN.md "Payments"): the account's credit
 * sources, summed.
 */
export function creditChange(event: AccountEvent): number {
  switch (event.type) {
    case 'PaymentReceived':
      return event.data.unapplied;
    case 'CreditNoteRecorded':
      return event.data.toCredit;
    case 'InvoiceCancelled':
      return event.data.creditedBack;
    case 'PaymentReversed':
      return -event.data.unappliedRemoved;
    case 'CreditApplied':
      return -event.data.draws.reduce((total, draw) => total + draw.amount, 0);
    default:
      return 0;
  }
}
