import type { BodyExample } from '@billing/shared/nest';

/**
 * The documented request examples, on the timeline of contracts.examples.ts: the pay application
 * for January issued and corrected.
 */
export const ISSUE: Record<string, BodyExample> = {
  dated: {
    summary: "Issued: numbered in the tenant's series, due after the payment terms",
    value: { date: '2026-02-06' },
  },
  reviewed: {
    summary: 'Issued only while the draft still has the total the staff reviewed (else 409)',
    value: { date: '2026-02-06', reviewedTotal: 16_075_125 },
  },
};
export const VOID: Record<string, BodyExample> = {
  withReason: {
    summary: 'Voided the day it was issued: the work is drafted again',
    value: { date: '2026-02-06', reason: 'Issued with the wrong purchase order number' },
  },
};
export const CREDIT_NOTE: Record<string, BodyExample> = {
  partial: {
    summary: 'A partial credit: tax is added at the invoice rate',
    value: { date: '2026-02-20', amount: 100_000, reason: 'Pricing error on item 2' },
  },
};
export const RETAINAGE_RELEASE: Record<string, BodyExample> = {
  agreed: {
    summary: 'A release agreed before completion',
    value: { date: '2026-03-31', agreed: true },
  },
};
