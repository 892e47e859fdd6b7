import type { DomainEvent } from '@billing/shared/kernel';

export interface Allocation {
  invoiceId: string;
  amount: number;
}

/** An invoice's figures after the event, so every consumer sees the same balance. */
export interface InvoiceBalance {
  invoiceId: string;
  contractId: string;
  paid: number;
  open: number;
}

export interface CreditDraw {
  sourceId: string;
  amount: number;
}

export type AccountEvent =
  | DomainEvent<
      'InvoiceOpened',
      {
        customerId: string;
        customerName: string;
        invoiceId: string;
        number: string;
        contractId: string;
        kind: string;
        currency: string;
        issueDate: string;
        dueDate: string;
        total: number;
        retainageHeld: number;
        balances: InvoiceBalance[];
      }
    >
  | DomainEvent<
      'InvoiceCancelled',
      {
        customerId: string;
        invoiceId: string;
        voidedOn: string;
        retainageHeld: number;
        creditedBack: number;
        balances: InvoiceBalance[];
      }
    >
  | DomainEvent<
      'CreditNoteRecorded',
      {
        customerId: string;
        creditNoteId: string;
        invoiceId: string;
        number: string;
        issueDate: string;
        total: number;
        toInvoice: number;
        toCredit: number;
        balances: InvoiceBalance[];
      }
    >
  | DomainEvent<
      'PaymentReceived',
      {
        customerId: string;
        paymentId: string;
        amount: number;
        receivedOn: string;
        method: string;
        reference: string;
        allocations: Allocation[];
        unapplied: number;
        balances: InvoiceBalance[];
      }
    >
  | DomainEvent<
      'PaymentReversed',
      {
        customerId: string;
        paymentId: string;
        /** The reversed payment's reference (reversals recorded before it was kept have none). */
        reference?: string;
        amount: number;
        reversedOn: string;
        reason: string;
        /** Invoices it reopens: its own allocations and where its credit, or credit it funded, went. */
        reopened: Allocation[];
        /** Unapplied credit it removes: its own, and what `voidCreditTaken` takes back. */
        unappliedRemoved: number;
        /**
         * Credit it funded that a void gave back (the void of an invoice it paid): taken back from
         * the voided invoice's credit (sourceId). Absent when none.
         */
        voidCreditTaken?: CreditDraw[];
        /** Applications of that credit undone, in part or whole. Absent when none. */
        drawsUndone?: (CreditDraw & { applicationId: string })[];
        balances: InvoiceBalance[];
      }
    >
  | DomainEvent<
      'CreditApplied',
      {
        customerId: string;
        applicationId: string;
        invoiceId: string;
        amount: number;
        appliedOn: string;
        draws: CreditDraw[];
        balances: InvoiceBalance[];
      }
    >
  | DomainEvent<
      'InvoiceWrittenOff',
      {
        customerId: string;
        invoiceId: string;
        amount: number;
        writtenOffOn: string;
        reason: string;
        balances: InvoiceBalance[];
      }
    >
  /**
   * `level` is the level's threshold in days overdue (its historical name); `rank` is the level's
   * place in the run's levels, 1 = first (null on reminders recorded before it was kept at a level
   * that is not a default one: schema v2, see accountEventUpcasters).
   */
  | DomainEvent<
      'ReminderSent',
      {
        customerId: string;
        invoiceId: string;
        /** The invoice's contract, so the contract's history shows it (absent on older reminders). */
        contractId?: string;
        number: string;
        level: number;
        rank: number | null;
        final: boolean;
        runDate: string;
        daysOverdue: number;
        open: number;
      }
    >;

/** The business date an event is dated (ADR 17): every account event has one. */
export function accountBusinessDate(event: AccountEvent): string {
  switch (event.type) {
    case 'InvoiceOpened':
    case 'CreditNoteRecorded':
      return event.data.issueDate;
    case 'InvoiceCancelled':
      return event.data.voidedOn;
    case 'PaymentReceived':
      return event.data.receivedOn;
    case 'PaymentReversed':
      return event.data.reversedOn;
    case 'CreditApplied':
      return event.data.appliedOn;
    case 'InvoiceWrittenOff':
      return event.data.writtenOffOn;
    case 'ReminderSent':
      return event.data.runDate;
  }
}
