import {
  fold,
  IllegalStateError,
  MAX_AMOUNT,
  NotFoundError,
  RuleViolation,
  ValidationError,
} from '@billing/shared/kernel';
import { specFor } from '@billing/shared/testing';
import {
  accountDecider,
  agingBucket,
  openAmount,
  unappliedCredit,
  type Account,
  type AccountCommand,
  type AccountState,
  type AccountEvent,
} from './index';

const spec = specFor(accountDecider);
const customerId = 'cust';
const open = (
  invoiceId: string,
  number: string,
  dueDate: string,
  total: number,
): AccountCommand => ({
  type: 'OpenInvoice',
  customerId,
  customerName: 'Owner',
  invoiceId,
  number,
  contractId: 'c-1',
  kind: 'progress',
  currency: 'USD',
  issueDate: '2026-01-01',
  dueDate,
  total,
  retainageHeld: 0,
});
const pay = (
  paymentId: string,
  amount: number,
  invoiceIds: string[] = [],
  receivedOn = '2026-03-01',
): AccountCommand => ({
  type: 'RecordPayment',
  paymentId,
  amount,
  currency: 'USD',
  receivedOn,
  method: 'check',
  reference: paymentId,
  invoiceIds,
});

/** The events after running commands in order on top of `given`. */
function after(given: AccountEvent[], ...commands: AccountCommand[]): AccountEvent[] {
  return commands.reduce<AccountEvent[]>(
    (events, command) => [
      ...events,
      ...accountDecider.decide(command, fold(accountDecider, events)),
    ],
    given,
  );
}
const history = (...commands: AccountCommand[]) => after([], ...commands);
const account = (events: AccountEvent[]) => fold(accountDecider, events) as Account;
const opens = (events: AccountEvent[]) =>
  Object.fromEntries(account(events).items.map((item) => [item.number, openAmount(item)]));

// Three invoices: INV-3 is due first, INV-1 and INV-2 share a due date (tie: lower number first).
const three = history(
  open('i1', 'INV-2026-00001', '2026-02-15', 1_000),
  open('i2', 'INV-2026-00002', '2026-02-15', 2_000),
  open('i3', 'INV-2026-00003', '2026-02-01', 500),
);

describe('customer account', () => {
  it('opens an invoice once, whatever the redelivery', () => {
    expect(history(open('i1', 'INV-1', '2026-02-01', 100))).toHaveLength(1);
    spec(history(open('i1', 'INV-1', '2026-02-01', 100)))
      .when(open('i1', 'INV-1', '2026-02-01', 100))
      .then([]);
    spec(history(open('i1', 'INV-1', '2026-02-01', 100)))
      .when({ ...open('i2', 'INV-2', '2026-02-01', 100), currency: 'EUR' } as AccountCommand)
      .thenThrows(RuleViolation, /kept in USD/);
    spec([]).when(pay('p', 1)).thenThrows(NotFoundError);
  });

  describe('dates: nothing touches an invoice before its issue date, nor a payment before it was received', () => {
    // i1 and i2 issued 2026-01-01; i5 issued 2026-03-10.
    const later = after(three, {
      ...open('i5', 'INV-2026-00005', '2026-04-09', 700),
      issueDate: '2026-03-10',
    } as AccountCommand);
    it('a payment pays only what was issued by the day it was received: the rest is credit, and naming a later invoice is refused', () => {
      const [received] = spec(later)
        .when(pay('p1', 4_500, [], '2026-03-01'))
        .events();
      expect(received.data).toMatchObject({
        allocations: [{ invoiceId: 'i3' }, { invoiceId: 'i1' }, { invoiceId: 'i2' }],
        unapplied: 1_000,
      });
      spec(later)
        .when(pay('p1', 700, ['i5'], '2026-03-01'))
        .thenThrows(
          RuleViolation,
          /a payment received on 2026-03-01 cannot touch invoice INV-2026-00005, issued on 2026-03-10/,
        );
      expect(
        spec(later)
          .when(pay('p1', 700, ['i5'], '2026-03-10'))
          .events()[0].data,
      ).toMatchObject({ allocations: [{ invoiceId: 'i5', amount: 700 }] });
    });
    it('a reversal not before its payment, a write-off and an application of credit not before the invoice', () => {
      const paid = after(later, pay('p1', 500, ['i3'], '2026-03-01'));
      spec(paid)
        .when({ type: 'ReversePayment', paymentId: 'p1', reversedOn: '2026-02-28', reason: 'NSF' })
        .thenThrows(
          RuleViolation,
          /on or after the payment it reverses \(received on 2026-03-01\)/,
        );
      spec(paid)
        .when({ type: 'WriteOff', invoiceId: 'i3', writtenOffOn: '2026-03-09', reason: 'bad debt' })
        .thenThrows(RuleViolation, /INV-2026-00003 has nothing open to write off/);
      spec(paid)
        .when({ type: 'WriteOff', invoiceId: 'i5', writtenOffOn: '2026-03-09', reason: 'bad debt' })
        .thenThrows(RuleViolation, /a write-off on 2026-03-09 cannot touch invoice INV-2026-00005/);
      const credit = after(later, pay('p2', 5_000, [], '2026-03-09'));
      spec(credit)
        .when({
          type: 'ApplyCredit',
          applicationId: 'a1',
          invoiceId: 'i5',
          appliedOn: '2026-03-09',
        })
        .thenThrows(
          RuleViolation,
          /credit applied on 2026-03-09 cannot touch invoice INV-2026-00005/,
        );
    });
    it('credit is applied only from what had arisen by that day, and a reversal is not dated before the applications of its credit', () => {
      // p2 leaves 3,500 of credit on 2026-03-09 (i1, i2, i3 take 3,500 of it).
      const credit = after(later, pay('p2', 7_000, [], '2026-03-09'));
      spec(credit)
        .when({
          type: 'ApplyCredit',
          applicationId: 'a1',
          invoiceId: 'i5',
          appliedOn: '2026-03-08',
        })
        .thenThrows(RuleViolation, /no unapplied credit on 2026-03-08/);
      spec(credit)
        .when({
          type: 'ApplyCredit',
          applicationId: 'a1',
          invoiceId: 'i5',
          amount: 100,
          appliedOn: '2026-03-08',
        })
        .thenThrows(RuleViolation, /only 0 of unapplied credit is available on 2026-03-08/);
      const applied = after(credit, {
        type: 'ApplyCredit',
        applicationId: 'a1',
        invoiceId: 'i5',
        appliedOn: '2026-06-01',
      });
      expect(opens(applied)['INV-2026-00005']).toBe(0);
      spec(applied)
        .when({ type: 'ReversePayment', paymentId: 'p2', reversedOn: '2026-03-10', reason: 'NSF' })
        .thenThrows(
          RuleViolation,
          /this payment's credit was applied on 2026-06-01: a reversal is dated on or after that, not 2026-03-10/,
        );
      spec(applied)
        .when({ type: 'ReversePayment', paymentId: 'p2', reversedOn: '2026-06-01', reason: 'NSF' })
        .then([
          expect.objectContaining({
            type: 'PaymentReversed',
            // The payer's reference, as the statement names the reversal.
            data: expect.objectContaining({ paymentId: 'p2', reference: 'p2' }),
          }),
        ]);
    });
  });

  describe('payments', () => {
    it('are at most MAX_AMOUNT each, and leave at most MAX_AMOUNT of unapplied credit on the account', () => {
      spec(three)
        .when(pay('big', MAX_AMOUNT + 1))
        .thenThrows(ValidationError, /at most 10000000000000/);
      // 3,500 of it pays the three invoices; the rest is credit.
      const nearly = after(three, pay('p1', MAX_AMOUNT));
      expect(unappliedCredit(account(nearly))).toBe(MAX_AMOUNT - 3_500);
      spec(nearly)
        .when(pay('p2', 3_500))
        .then([expect.objectContaining({ type: 'PaymentReceived' })]);
      spec(nearly)
        .when(pay('p2', 3_501))
        .thenThrows(RuleViolation, /would leave 10000000000001 of unapplied credit/);
    });
    it('go first to the invoices they name, then oldest due date first, ties by lower number', () => {
      const events = [
        ...three,
        ...spec(three)
          .when(pay('p1', 2_700, ['i2']))
          .events(),
      ];
      expect(opens(events)).toEqual({
        'INV-2026-00001': 800,
        'INV-2026-00002': 0,
        'INV-2026-00003': 0,
      });
      expect(events.at(-1)).toMatchObject({
        data: {
          allocations: [
            { invoiceId: 'i2', amount: 2_000 },
            { invoiceId: 'i3', amount: 500 },
            { invoiceId: 'i1', amount: 200 },
          ],
          unapplied: 0,
        },
      });
    });
    it('name each invoice once (an invoice named twice would be paid twice)', () => {
      spec(three)
        .when(pay('p1', 2_700, ['i2', 'i2']))
        .thenThrows(ValidationError, /names each invoice once/);
    });
    it('take the lower number first past 99,999 invoices a year, and the earlier year first', () => {
      const given = after(
        [],
        open('late', 'INV-2026-100000', '2026-03-01', 1_000),
        open('early', 'INV-2026-99999', '2026-03-01', 1_000),
        open('last-year', 'INV-2025-100001', '2026-03-01', 1_000),
      );
      expect(spec(given).when(pay('p1', 1_500)).events().at(-1)).toMatchObject({
        data: {
          allocations: [
            { invoiceId: 'last-year', amount: 1_000 },
            { invoiceId: 'early', amount: 500 },
          ],
        },
      });
    });
    it('keep what remains as unapplied credit, applied only when someone applies it', () => {
      const events = after(three, pay('p1', 4_000));
      expect(unappliedCredit(account(events))).toBe(500);
      const withNew = after(events, open('i4', 'INV-2026-00004', '2026-04-01', 300));
      expect(openAmount(account(withNew).items[3])).toBe(300);
      const applied = [
        ...withNew,
        ...spec(withNew)
          .when({
            type: 'ApplyCredit',
            applicationId: 'a1',
            invoiceId: 'i4',
            appliedOn: '2026-04-02',
          })
          .events(),
      ];
      expect(openAmount(account(applied).items[3])).toBe(0);
      expect(unappliedCredit(account(applied))).toBe(200);
    });
    it('reject a bad amount, another currency, an unknown named invoice, a repeat', () => {
      spec(three).when(pay('p1', 0)).thenThrows(ValidationError);
      spec(three)
        .when({ ...pay('p1', 10), currency: 'EUR' } as AccountCommand)
        .thenThrows(RuleViolation, /in EUR/);
      spec(three)
        .when(pay('p1', 10, ['nope']))
        .thenThrows(NotFoundError);
      const paid = [...three, ...spec(three).when(pay('p1', 10)).events()];
      spec(paid).when(pay('p1', 10)).thenThrows(IllegalStateError);
    });

    it('refuse naming an invoice with nothing open: its money would go elsewhere unnoticed', () => {
      const settled = after(
        three,
        pay('p1', 1_000, ['i1']),
        { type: 'WriteOff', invoiceId: 'i3', writtenOffOn: '2026-03-09', reason: 'bad debt' },
        { type: 'CancelInvoice', invoiceId: 'i2', voidedOn: '2026-03-10', retainageHeld: 0 },
      );
      spec(settled)
        .when(pay('p2', 100, ['i1'], '2026-03-20'))
        .thenThrows(RuleViolation, /INV-2026-00001 has nothing open to pay \(1000 paid\)/);
      spec(settled)
        .when(pay('p2', 100, ['i3'], '2026-03-20'))
        .thenThrows(RuleViolation, /INV-2026-00003 has nothing open to pay \(500 written off\)/);
      spec(settled)
        .when(pay('p2', 100, ['i2'], '2026-03-20'))
        .thenThrows(RuleViolation, /INV-2026-00002 is void/);
      // Unnamed, it is credit (nothing is open).
      expect(
        spec(settled)
          .when(pay('p2', 100, [], '2026-03-20'))
          .events()[0],
      ).toMatchObject({
        data: { allocations: [], unapplied: 100 },
      });
    });
  });

  describe('reversal of a bounced payment', () => {
    it('undoes its allocations and the credit it funded; the invoices reopen', () => {
      const withCredit = after(
        three,
        pay('p1', 4_000),
        open('i4', 'INV-2026-00004', '2026-04-01', 300),
        {
          type: 'ApplyCredit',
          applicationId: 'a1',
          invoiceId: 'i4',
          appliedOn: '2026-04-02',
        },
      );
      const reversal = spec(withCredit)
        .when({ type: 'ReversePayment', paymentId: 'p1', reversedOn: '2026-04-10', reason: 'NSF' })
        .events();
      expect(reversal[0]).toMatchObject({
        type: 'PaymentReversed',
        data: {
          reopened: [
            { invoiceId: 'i3', amount: 500 },
            { invoiceId: 'i1', amount: 1_000 },
            { invoiceId: 'i2', amount: 2_000 },
            { invoiceId: 'i4', amount: 300 },
          ],
          unappliedRemoved: 200,
        },
      });
      const reversed = [...withCredit, ...reversal];
      expect(opens(reversed)).toEqual({
        'INV-2026-00001': 1_000,
        'INV-2026-00002': 2_000,
        'INV-2026-00003': 500,
        'INV-2026-00004': 300,
      });
      expect(unappliedCredit(account(reversed))).toBe(0);
      spec(reversed)
        .when({
          type: 'ReversePayment',
          paymentId: 'p1',
          reversedOn: '2026-04-11',
          reason: 'again',
        })
        .thenThrows(IllegalStateError, /already reversed/);
      spec(reversed)
        .when({ type: 'ReversePayment', paymentId: 'zz', reversedOn: '2026-04-11', reason: 'x' })
        .thenThrows(NotFoundError);
    });
  });
  describe('of a payment on an invoice voided since (a void racing the payment)', () => {
    const voidI1 = {
      type: 'CancelInvoice',
      invoiceId: 'i1',
      voidedOn: '2026-03-02',
      retainageHeld: 0,
    } as const;
    const reverseP1 = {
      type: 'ReversePayment',
      paymentId: 'p1',
      reversedOn: '2026-03-20',
      reason: 'NSF',
    } as const;
    const applyToI2 = (applicationId: string, amount: number, appliedOn = '2026-03-05') =>
      ({ type: 'ApplyCredit', applicationId, invoiceId: 'i2', amount, appliedOn }) as const;
    const credit = (events: AccountEvent[]) => unappliedCredit(account(events));

    it('is not dated before the void that gave what it paid back as credit', () => {
      const voided = after(three, pay('p1', 1_000, ['i1']), voidI1);
      spec(voided)
        .when({ ...reverseP1, reversedOn: '2026-03-01' })
        .thenThrows(RuleViolation, /given back as credit by a void on 2026-03-02/);
      expect(
        spec(voided)
          .when({ ...reverseP1, reversedOn: '2026-03-02' })
          .events(),
      ).toHaveLength(1);
    });

    it('takes back the credit the void gave for it', () => {
      const voided = after(three, pay('p1', 1_000, ['i1']), voidI1);
      expect(credit(voided)).toBe(1_000);
      const reversed = after(voided, reverseP1);
      expect(reversed.at(-1)).toMatchObject({
        data: {
          // Not i1: the void took the payment off it already (its paid is 0).
          reopened: [],
          unappliedRemoved: 1_000,
          voidCreditTaken: [{ sourceId: 'i1', amount: 1_000 }],
        },
      });
      expect(credit(reversed)).toBe(0);
      expect(opens(reversed)).toEqual({
        'INV-2026-00001': 0,
        'INV-2026-00002': 2_000,
        'INV-2026-00003': 500,
      });
    });

    it('and where that credit was applied, latest first, reopening those invoices', () => {
      const applied = after(
        three,
        pay('p1', 1_000, ['i1']),
        voidI1,
        applyToI2('a1', 300),
        applyToI2('a2', 500, '2026-03-06'),
      );
      expect(credit(applied)).toBe(200);
      const reversed = after(applied, reverseP1);
      expect(reversed.at(-1)).toMatchObject({
        data: {
          reopened: [{ invoiceId: 'i2', amount: 800 }],
          unappliedRemoved: 200,
          voidCreditTaken: [{ sourceId: 'i1', amount: 200 }],
          drawsUndone: [
            { sourceId: 'i1', applicationId: 'a2', amount: 500 },
            { sourceId: 'i1', applicationId: 'a1', amount: 300 },
          ],
        },
      });
      expect(credit(reversed)).toBe(0);
      expect(opens(reversed)['INV-2026-00002']).toBe(2_000);
      // Only what the reversed payment funded: a second payment's share of the void's credit stays.
      const twoPayments = after(
        three,
        pay('p1', 600, ['i1']),
        pay('p2', 400, ['i1']),
        voidI1,
        applyToI2('a1', 700),
      );
      const partly = after(twoPayments, reverseP1);
      expect(partly.at(-1)).toMatchObject({
        data: {
          reopened: [{ invoiceId: 'i2', amount: 300 }],
          voidCreditTaken: [{ sourceId: 'i1', amount: 300 }],
          drawsUndone: [{ sourceId: 'i1', applicationId: 'a1', amount: 300 }],
        },
      });
      expect(credit(partly)).toBe(0);
      expect(opens(partly)['INV-2026-00002']).toBe(1_600);
      const both = after(partly, { ...reverseP1, paymentId: 'p2' });
      expect(credit(both)).toBe(0);
      expect(opens(both)['INV-2026-00002']).toBe(2_000);
    });

    it('through an invoice the credit went to that was voided in turn', () => {
      const chained = after(three, pay('p1', 1_000, ['i1']), voidI1, applyToI2('a1', 1_000), {
        ...voidI1,
        invoiceId: 'i2',
        voidedOn: '2026-03-07',
      });
      expect(credit(chained)).toBe(1_000);
      const reversed = after(chained, reverseP1);
      expect(credit(reversed)).toBe(0);
      expect(reversed.at(-1)).toMatchObject({
        data: {
          reopened: [],
          voidCreditTaken: [{ sourceId: 'i2', amount: 1_000 }],
        },
      });
    });

    it('recorded before (it named the voided invoice), leaves that invoice paid 0, not less', () => {
      const voided = after(three, pay('p1', 1_000, ['i1']), voidI1);
      const old: AccountEvent = {
        type: 'PaymentReversed',
        data: {
          customerId,
          paymentId: 'p1',
          reference: 'p1',
          amount: 1_000,
          reversedOn: '2026-03-20',
          reason: 'NSF',
          reopened: [{ invoiceId: 'i1', amount: 1_000 }],
          unappliedRemoved: 0,
          balances: [],
        },
      };
      expect(account([...voided, old]).items.map((item) => item.paid)).toEqual([0, 0, 0]);
    });

    it('is dated on or after the applications it undoes', () => {
      const applied = after(three, pay('p1', 1_000, ['i1']), voidI1, applyToI2('a1', 300));
      spec(applied)
        .when({ ...reverseP1, reversedOn: '2026-03-04' })
        .thenThrows(RuleViolation, /applied on 2026-03-05/);
    });
  });

  describe('credit notes, voids and write-offs', () => {
    it('a credit note reduces the open amount; any excess becomes credit', () => {
      const paidSome = [
        ...three,
        ...spec(three)
          .when(pay('p1', 900, ['i1']))
          .events(),
      ];
      const events = spec(paidSome)
        .when({
          type: 'RecordCreditNote',
          creditNoteId: 'cn1',
          invoiceId: 'i1',
          number: 'CN-1',
          issueDate: '2026-03-02',
          total: 250,
        })
        .events();
      expect(events[0]).toMatchObject({
        data: {
          toInvoice: 100,
          toCredit: 150,
          balances: [{ invoiceId: 'i1', open: 0, paid: 900 }],
        },
      });
      expect(unappliedCredit(account([...paidSome, ...events]))).toBe(150);
    });
    it('a void closes the item; anything already paid on it becomes credit', () => {
      const paid = [
        ...three,
        ...spec(three)
          .when(pay('p1', 100, ['i1']))
          .events(),
      ];
      const voided = after(paid, {
        type: 'CancelInvoice',
        invoiceId: 'i1',
        voidedOn: '2026-03-03',
        retainageHeld: 0,
      });
      expect(opens(voided)['INV-2026-00001']).toBe(0);
      expect(unappliedCredit(account(voided))).toBe(100);
      // It left the invoice: paid on a void invoice would count it twice once the credit is applied.
      expect(account(voided).items.find((item) => item.invoiceId === 'i1')?.paid).toBe(0);
      spec(voided)
        .when({ type: 'CancelInvoice', invoiceId: 'i1', voidedOn: '2026-03-03', retainageHeld: 0 })
        .then([]);
    });
    it('a write-off takes the open amount, with a reason, never more', () => {
      const events = spec(three)
        .when({
          type: 'WriteOff',
          invoiceId: 'i3',
          writtenOffOn: '2026-06-30',
          reason: 'uncollectable',
        })
        .events();
      expect(events[0]).toMatchObject({ type: 'InvoiceWrittenOff', data: { amount: 500 } });
      spec(three)
        .when({
          type: 'WriteOff',
          invoiceId: 'i3',
          amount: 501,
          writtenOffOn: '2026-06-30',
          reason: 'x',
        })
        .thenThrows(RuleViolation, /cannot exceed/);
      spec(three)
        .when({ type: 'WriteOff', invoiceId: 'i3', writtenOffOn: '2026-06-30', reason: '' })
        .thenThrows(ValidationError);
    });
    it('applying credit needs credit and an open invoice', () => {
      spec(three)
        .when({ type: 'ApplyCredit', applicationId: 'a', invoiceId: 'i1', appliedOn: '2026-03-01' })
        .thenThrows(RuleViolation, /no unapplied credit/);
      const credit = [...three, ...spec(three).when(pay('p1', 3_600)).events()];
      spec(credit)
        .when({
          type: 'ApplyCredit',
          applicationId: 'a',
          invoiceId: 'i1',
          amount: 101,
          appliedOn: '2026-03-01',
        })
        .thenThrows(RuleViolation, /only 100 of unapplied credit/);
      // A void that came first (it raced the application): said so, not "only 0 open".
      const voided = after(credit, {
        type: 'CancelInvoice',
        invoiceId: 'i1',
        voidedOn: '2026-03-02',
        retainageHeld: 0,
      });
      spec(voided)
        .when({ type: 'ApplyCredit', applicationId: 'a', invoiceId: 'i1', appliedOn: '2026-03-03' })
        .thenThrows(
          RuleViolation,
          /^invoice INV-2026-00001 is void: nothing on it can be credited$/,
        );
      // A credit note on a void invoice (invoicing refuses one): it would credit the invoice twice.
      spec(voided)
        .when({
          type: 'RecordCreditNote',
          creditNoteId: 'cn1',
          invoiceId: 'i1',
          number: 'CN-1',
          issueDate: '2026-03-03',
          total: 250,
        })
        .thenThrows(
          RuleViolation,
          /^invoice INV-2026-00001 is void: nothing on it can be credited$/,
        );
      spec(voided)
        .when({ type: 'WriteOff', invoiceId: 'i1', writtenOffOn: '2026-03-03', reason: 'bad debt' })
        .thenThrows(
          RuleViolation,
          /^invoice INV-2026-00001 is void: nothing on it can be written off$/,
        );
    });
  });

  describe('reminders', () => {
    const run = (runDate: string): AccountCommand => ({
      type: 'SendReminders',
      runDate,
      levels: [1, 15, 30],
    });
    it('sends the highest level due, each level at most once per invoice, nothing twice for one run date', () => {
      const first = spec(three).when(run('2026-02-02')).events();
      expect(
        first.map(
          (e) =>
            e.type === 'ReminderSent' && [e.data.number, e.data.level, e.data.rank, e.data.final],
        ),
      ).toEqual([['INV-2026-00003', 1, 1, false]]);
      spec([...three, ...first])
        .when(run('2026-02-02'))
        .then([]);
      const later = spec([...three, ...first])
        .when(run('2026-03-20'))
        .events();
      expect(
        later.map(
          (e) =>
            e.type === 'ReminderSent' && [e.data.number, e.data.level, e.data.rank, e.data.final],
        ),
      ).toEqual([
        ['INV-2026-00001', 30, 3, true],
        ['INV-2026-00002', 30, 3, true],
        ['INV-2026-00003', 30, 3, true],
      ]);
      spec([...three, ...first, ...later])
        .when(run('2026-04-30'))
        .then([]);
    });
    it('sends none for a settled invoice or one not yet overdue', () => {
      const settled = [
        ...three,
        ...spec(three)
          .when(pay('p1', 500, ['i3']))
          .events(),
      ];
      spec(settled).when(run('2026-02-02')).then([]);
      spec(three).when(run('2026-02-01')).then([]);
      spec(three)
        .when({ ...run('2026-02-02'), levels: [0] } as AccountCommand)
        .thenThrows(ValidationError);
      // The same level twice: [1, 1, 1] would send the final reminder at one day overdue.
      spec(three)
        .when({ ...run('2026-02-02'), levels: [1, 1, 1] } as AccountCommand)
        .thenThrows(ValidationError, /each once/);
    });
    it('for a past run date, by what was open then, and only while it is still open', () => {
      const sent = (events: readonly AccountEvent[]) =>
        events.map((e) => e.type === 'ReminderSent' && [e.data.number, e.data.open]);
      const pastRun = (openOn: Record<string, number>): AccountCommand => ({
        type: 'SendReminders',
        runDate: '2026-02-02',
        levels: [1, 15, 30],
        openOn,
      });
      // Settled then (a payment that bounced since): nothing; partly paid then: what was open.
      spec(three)
        .when(pastRun({ i3: 0 }))
        .then([]);
      expect(
        sent(
          spec(three)
            .when(pastRun({ i3: 200 }))
            .events(),
        ),
      ).toEqual([['INV-2026-00003', 200]]);
      const settled = after(three, pay('p1', 500, ['i3']));
      spec(settled)
        .when(pastRun({ i3: 500 }))
        .then([]);
    });
  });

  it('buckets aging from the day after the due date', () => {
    expect(
      ['2026-01-31', '2026-02-01', '2026-03-02', '2026-03-03', '2026-05-01', '2026-05-02'].map(
        (d) => agingBucket('2026-01-31', d),
      ),
    ).toEqual(['current', 'days1to30', 'days1to30', 'days31to60', 'days61to90', 'over90']);
  });
});

describe('every other account refusal', () => {
  it.each([
    [
      'cancelling an unknown invoice',
      { type: 'CancelInvoice', invoiceId: 'nope', voidedOn: '2026-03-03', retainageHeld: 0 },
      NotFoundError,
    ],
    [
      'a credit note on an unknown invoice',
      {
        type: 'RecordCreditNote',
        creditNoteId: 'cn',
        invoiceId: 'nope',
        number: 'CN-1',
        issueDate: '2026-03-03',
        total: 1,
      },
      NotFoundError,
    ],
    [
      'writing off an unknown invoice',
      { type: 'WriteOff', invoiceId: 'nope', writtenOffOn: '2026-03-03', reason: 'x' },
      NotFoundError,
    ],
    [
      'writing off a zero amount',
      { type: 'WriteOff', invoiceId: 'i1', amount: 0, writtenOffOn: '2026-03-03', reason: 'x' },
      ValidationError,
    ],
    [
      'a payment dated on no calendar day',
      { ...pay('p9', 10), receivedOn: '2026-02-30' },
      ValidationError,
    ],
  ] as const)('refuses %s', (_, command, error) => {
    spec(three).when(command).thenThrows(error);
  });

  it('refuses applying more credit than the invoice has open', () => {
    const credit = after(three, pay('p1', 3_000, ['i1', 'i2']), pay('p2', 5_000));
    spec(credit)
      .when({
        type: 'ApplyCredit',
        applicationId: 'a',
        invoiceId: 'i1',
        amount: 1,
        appliedOn: '2026-03-01',
      })
      .thenThrows(RuleViolation, /has only 0 open/);
  });
});

describe('an account with years of invoices', () => {
  /** The account after `count` invoices, each item counting the reads of its invoice id. */
  const longAccount = (count: number) => {
    let account = accountDecider.initialState;
    for (let i = 0; i < count; i++) {
      const number = `INV-2026-${String(i + 1).padStart(5, '0')}`;
      for (const event of accountDecider.decide(
        open(`inv-${i}`, number, '2026-02-01', 1_000),
        account,
      ))
        account = accountDecider.evolve(account, event);
    }
    let reads = 0;
    const items = (account as Account).items.map((item) => {
      const counted = { ...item };
      Object.defineProperty(counted, 'invoiceId', {
        enumerable: true,
        get: () => (reads++, item.invoiceId),
      });
      return counted;
    });
    return { account: { ...(account as Account), items }, reads: () => reads };
  };

  it('applies a payment or a reminder to a recent invoice without looking at every one before it', () => {
    const { account, reads } = longAccount(1_000);
    const paid = accountDecider.decide(pay('pay-1', 1_000, ['inv-999']), account);
    const before = reads();
    const state = paid.reduce<AccountState>(
      (current, event) => accountDecider.evolve(current, event),
      account,
    ) as Account;
    expect(state.items[999]).toMatchObject({ invoiceId: 'inv-999', paid: 1_000 });
    expect(state.items[0]).toBe(account.items[0]);
    expect(reads() - before).toBeLessThan(10);
    const reminded = accountDecider.evolve(state, {
      type: 'ReminderSent',
      data: {
        customerId,
        invoiceId: 'inv-998',
        contractId: 'c-1',
        number: 'INV-2026-00999',
        level: 1,
        rank: 1,
        final: false,
        runDate: '2026-02-02',
        daysOverdue: 1,
        open: 1_000,
      },
    }) as Account;
    expect(reminded.items[998].reminderLevels).toEqual([1]);
    expect(reminded.items[999]).toBe(state.items[999]);
    expect(reads() - before).toBeLessThan(20);
  });
});
