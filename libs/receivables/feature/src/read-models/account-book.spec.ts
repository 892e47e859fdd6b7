import type { AccountEvent } from '@billing/receivables/domain';
import { bookEntry } from './account-book';

describe('the book entry of an event', () => {
  const reversal = (reference?: string): AccountEvent => ({
    type: 'PaymentReversed',
    data: {
      customerId: '00000000-0000-4000-8000-000000000001',
      paymentId: '00000000-0000-4000-8000-0000000000p2',
      ...(reference !== undefined && { reference }),
      amount: 500,
      reversedOn: '2026-03-05',
      reason: 'NSF',
      reopened: [{ invoiceId: 'i1', amount: 500 }],
      unappliedRemoved: 0,
      balances: [],
    },
  });

  it("names a reversal by the payer's reference, or by the payment id when it was recorded without one", () => {
    expect(bookEntry(reversal('CHK-1042'), 9, () => undefined)).toMatchObject({
      kind: 'reversal',
      reference: 'CHK-1042',
      amount: 500,
      effects: [{ invoiceId: 'i1', amount: 500 }],
    });
    expect(bookEntry(reversal(), 9, () => undefined)?.reference).toBe(
      '00000000-0000-4000-8000-0000000000p2',
    );
  });
});
