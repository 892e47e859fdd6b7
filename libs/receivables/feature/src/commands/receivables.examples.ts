import type { BodyExample } from '@billing/shared/nest';

/**
 * The documented request examples, on the timeline of contracts.examples.ts (the invoice ids stand
 * for the invoices issued by then).
 */
const INVOICE = '5c4b6a1e-8f3d-4b2a-9e7c-1d0f2a3b4c5d';

export const PAYMENT: Record<string, BodyExample> = {
  check: {
    summary: 'A check naming the invoice it pays; what is left becomes unapplied credit',
    value: {
      amount: 20_000_000,
      currency: 'USD',
      receivedOn: '2026-03-01',
      method: 'check',
      reference: 'CHK 1042',
      invoiceIds: [INVOICE],
    },
  },
};
export const REVERSAL: Record<string, BodyExample> = {
  bounced: {
    summary: 'A bounced check: its allocations and credit are undone',
    value: { date: '2026-03-05', reason: 'Returned by the bank: insufficient funds' },
  },
};
export const CREDIT_APPLICATION: Record<string, BodyExample> = {
  partial: {
    summary: 'Unapplied credit applied to an open invoice',
    value: { invoiceId: INVOICE, amount: 100_000, date: '2026-03-10' },
  },
};
export const WRITE_OFF: Record<string, BodyExample> = {
  partial: {
    summary: 'Part of the open amount written off, with the reason',
    value: {
      date: '2026-04-20',
      amount: 50_000,
      reason: 'Disputed small balance, settled with the customer',
    },
  },
};
export const REMINDER_RUN: Record<string, BodyExample> = {
  default: {
    summary: 'The reminder run for a date, with the default levels',
    value: { runDate: '2026-04-15', levels: [1, 15, 30] },
  },
};
