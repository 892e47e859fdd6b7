import type { AccountEvent } from '@billing/receivables/domain';

/** One dated line of a customer's book: its effect on the balance and on each invoice's open amount. */
export interface BookEntry {
  position: number;
  date: string;
  kind: 'invoice' | 'void' | 'credit-note' | 'payment' | 'reversal' | 'credit-applied' | 'write-off';
  reference: string;
  /** + raises what the customer owes, - lowers it. */
  amount: number;
  effects: { invoiceId: string; amount: number }[];
}

export interface BookInvoice {
  invoiceId: string;
  number: string;
  contractId: string;
  issueDate: string;
  dueDate: string;
  total: number;
}

/** The book entry an event writes, if any (reminders change no balance). */
export function bookEntry(event: AccountEvent, position: number, invoices: Record<string, BookInvoice>, openOf: (invoiceId: string) => number): BookEntry | undefined {
  const entry = (date: string, kind: BookEntry['kind'], reference: string, amount: number, effects: BookEntry['effects']): BookEntry => ({
    position,
    date,
    kind,
    reference,
    amount,
    effects,
  });
  switch (event.type) {
    case 'InvoiceOpened':
      return entry(event.data.issueDate, 'invoice', event.data.number, event.data.total, [{ invoiceId: event.data.invoiceId, amount: event.data.total }]);
    case 'InvoiceCancelled': {
      const invoice = invoices[event.data.invoiceId];
      return entry(event.data.voidedOn, 'void', invoice.number, -invoice.total, [{ invoiceId: invoice.invoiceId, amount: -openOf(invoice.invoiceId) }]);
    }
    case 'CreditNoteRecorded':
      return entry(event.data.issueDate, 'credit-note', event.data.number, -event.data.total, [{ invoiceId: event.data.invoiceId, amount: -event.data.toInvoice }]);
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
        event.data.paymentId,
        event.data.amount,
        event.data.reopened.map((a) => ({ invoiceId: a.invoiceId, amount: a.amount })),
      );
    case 'CreditApplied':
      return entry(event.data.appliedOn, 'credit-applied', event.data.applicationId, 0, [{ invoiceId: event.data.invoiceId, amount: -event.data.amount }]);
    case 'InvoiceWrittenOff':
      return entry(event.data.writtenOffOn, 'write-off', invoices[event.data.invoiceId]?.number ?? event.data.invoiceId, -event.data.amount, [
        { invoiceId: event.data.invoiceId, amount: -event.data.amount },
      ]);
    case 'ReminderSent':
      return undefined;
  }
}
