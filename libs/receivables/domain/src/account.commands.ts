export type AccountCommand =
  | {
      type: 'OpenInvoice';
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
    }
  | { type: 'CancelInvoice'; invoiceId: string; voidedOn: string; retainageHeld: number }
  | {
      type: 'RecordCreditNote';
      creditNoteId: string;
      invoiceId: string;
      number: string;
      issueDate: string;
      total: number;
    }
  | {
      type: 'RecordPayment';
      paymentId: string;
      amount: number;
      currency?: string;
      receivedOn: string;
      method: string;
      reference: string;
      invoiceIds: string[];
    }
  | { type: 'ReversePayment'; paymentId: string; reversedOn: string; reason: string }
  | {
      type: 'ApplyCredit';
      applicationId: string;
      invoiceId: string;
      amount?: number;
      appliedOn: string;
    }
  | { type: 'WriteOff'; invoiceId: string; amount?: number; writtenOffOn: string; reason: string }
  | {
      type: 'SendReminders';
      runDate: string;
      levels: number[];
      /**
       * When an overdue invoice changed after the run date (a run for a past date, a post-dated
       * check): each invoice's open amount as of the run date (from the account's events dated up
       * to it). A reminder goes only to an invoice open then and still open, and states what was
       * open then.
       */
      openOn?: Record<string, number>;
    };

/** DOMAIN.md "Reminders": 1, 15 and 30 days overdue, the last one final. */
export const DEFAULT_REMINDER_LEVELS = [1, 15, 30];
