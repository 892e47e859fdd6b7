import {
  IllegalStateError,
  MAX_AMOUNT,
  NotFoundError,
  RuleViolation,
  ValidationError,
} from '@billing/shared/kernel';
import { specFor } from '@billing/shared/testing';
import { contractDecider, type ContractEvent, type ContractTerms } from './index';

const spec = specFor(contractDecider);
const contractId = 'c-1';
const terms: ContractTerms = {
  customer: { id: 'cust', name: 'Owner', email: 'ap@owner.example', address: 'Main St' },
  title: 'Clinic',
  currency: 'USD',
  originalSum: 1_000_000,
  basis: 'progress',
  retainage: [
    { threshold: 0, workRate: 1000, materialsRate: 1000 },
    { threshold: 5000, workRate: 500, materialsRate: 500 },
  ],
  taxRate: 0,
  paymentTermsDays: 30,
  poNumber: '',
  startDate: '2026-01-01',
};
const lines = [
  { lineId: 'A', item: '1', description: 'Site', scheduledValue: 400_000 },
  { lineId: 'B', item: '2', description: 'Build', scheduledValue: 600_000 },
];
const created: ContractEvent = {
  type: 'ContractCreated',
  data: { contractId, terms, lines, createdOn: '2026-01-01' },
};
const activated: ContractEvent = {
  type: 'ContractActivated',
  data: { contractId, activatedOn: '2026-01-05', terms, lines },
};
const completed: ContractEvent = {
  type: 'ContractCompleted',
  data: { contractId, completedOn: '2026-06-30' },
};
const figures = (completedAndStoredToDate: number, retainageHeld: number): ContractEvent => ({
  type: 'BillingFiguresRecorded',
  data: {
    contractId,
    documentId: 'inv',
    figures: { completedAndStoredToDate, retainageHeld, billedNet: 0, billedTax: 0 },
  },
});
const balance = (open: number): ContractEvent => ({
  type: 'InvoiceBalanceRecorded',
  data: { contractId, invoiceId: 'inv', paid: 1, open },
});

describe('contract', () => {
  describe('create', () => {
    it('creates a draft with its terms and schedule of values', () => {
      spec([])
        .when({ type: 'CreateContract', contractId, terms, lines, createdOn: '2026-01-01' })
        .then([created]);
    });
    it.each([
      ['an unknown currency', { currency: 'XYZ' }, /unknown currency/],
      ['a zero contract sum', { originalSum: 0 }, /original contract sum/],
      ['a fractional amount', { originalSum: 10.5 }, /original contract sum/],
      ['a tax rate over 100%', { taxRate: 10001 }, /tax rate/],
      [
        'a retainage schedule not starting at 0%',
        { retainage: [{ threshold: 100, workRate: 1000, materialsRate: 1000 }] },
        /starts with a step at 0%/,
      ],
      [
        'retainage steps out of order',
        {
          retainage: [
            { threshold: 0, workRate: 1000, materialsRate: 1000 },
            { threshold: 0, workRate: 500, materialsRate: 500 },
          ],
        },
        /increasing threshold/,
      ],
    ])('rejects %s', (_, change, message) => {
      spec([])
        .when({
          type: 'CreateContract',
          contractId,
          terms: { ...terms, ...change },
          lines,
          createdOn: '2026-01-01',
        })
        .thenThrows(ValidationError, message);
    });
    it('refuses an original sum beyond MAX_AMOUNT (everything derived from it must stay exact)', () => {
      spec([])
        .when({
          type: 'CreateContract',
          contractId,
          terms: { ...terms, originalSum: MAX_AMOUNT + 1 },
          lines,
          createdOn: '2026-01-01',
        })
        .thenThrows(ValidationError, /at most 10000000000000/);
      spec([])
        .when({
          type: 'CreateContract',
          contractId,
          terms: { ...terms, originalSum: MAX_AMOUNT },
          lines,
          createdOn: '2026-01-01',
        })
        .then([expect.objectContaining({ type: 'ContractCreated' })]);
    });
    it('rejects a schedule of values above the contract sum', () => {
      spec([])
        .when({
          type: 'CreateContract',
          contractId,
          terms,
          lines: [...lines, { lineId: 'C', item: '3', description: 'Extra', scheduledValue: 1 }],
          createdOn: '2026-01-01',
        })
        .thenThrows(RuleViolation, /exceeds the contract sum/);
    });
    it('rejects a line id used twice and a second create', () => {
      spec([])
        .when({
          type: 'CreateContract',
          contractId,
          terms,
          lines: [lines[0], lines[0]],
          createdOn: '2026-01-01',
        })
        .thenThrows(ValidationError, /appears twice/);
      spec([created])
        .when({ type: 'CreateContract', contractId, terms, lines, createdOn: '2026-01-01' })
        .thenThrows(IllegalStateError);
    });
    it('refuses line ids that differ only in case, spacing or Unicode form (they read as one line)', () => {
      const named = (lineId: string, item: string) => ({ ...lines[0], lineId, item });
      for (const [first, second] of [
        ['caf\u00e9', 'cafe\u0301'], // é composed and decomposed
        ['L-1', 'l-1'],
        ['A', '\uff21'], // full-width A
        ['B2', ' B2'],
      ])
        spec([])
          .when({
            type: 'CreateContract',
            contractId,
            terms,
            lines: [named(first, '1'), named(second, '2')],
            createdOn: '2026-01-01',
          })
          .thenThrows(ValidationError, /only in case, spacing or Unicode form/);
    });
  });

  describe('activate', () => {
    it('activates when the schedule of values equals the contract sum, carrying the terms', () => {
      spec([created])
        .when({ type: 'ActivateContract', activatedOn: '2026-01-05' })
        .then([activated]);
    });
    it('refuses while the schedule of values is short of the contract sum', () => {
      const short: ContractEvent = {
        type: 'ScheduleOfValuesRevised',
        data: { contractId, lines: [lines[0]] },
      };
      spec([created, short])
        .when({ type: 'ActivateContract', activatedOn: '2026-01-05' })
        .thenThrows(RuleViolation, /must equal the contract sum/);
    });
    it('only from draft, and needs a contract', () => {
      spec([created, activated])
        .when({ type: 'ActivateContract', activatedOn: '2026-01-05' })
        .thenThrows(IllegalStateError, /the contract is active/);
      spec([])
        .when({ type: 'ActivateContract', activatedOn: '2026-01-05' })
        .thenThrows(NotFoundError);
    });
    it('revises the schedule only in draft', () => {
      spec([created])
        .when({ type: 'ReviseScheduleOfValues', lines: [lines[0]] })
        .then([{ type: 'ScheduleOfValuesRevised', data: { contractId, lines: [lines[0]] } }]);
      spec([created, activated])
        .when({ type: 'ReviseScheduleOfValues', lines })
        .thenThrows(IllegalStateError);
    });
  });

  describe('change orders', () => {
    const co = {
      type: 'ApproveChangeOrder' as const,
      changeOrderId: 'co-1',
      number: 'CO-1',
      description: 'Extra',
      amount: 50_000,
      approvedOn: '2026-02-10',
      lines: [{ lineId: 'C', item: '3', description: 'Extra', scheduledValue: 50_000 }],
    };
    it('adds to the contract sum with the lines it brings', () => {
      const events = spec([created, activated]).when(co).events();
      expect(events).toEqual([
        {
          type: 'ChangeOrderApproved',
          data: {
            contractId,
            changeOrderId: 'co-1',
            number: 'CO-1',
            description: 'Extra',
            amount: 50_000,
            approvedOn: '2026-02-10',
            lines: co.lines,
          },
        },
      ]);
    });
    it('may deduct with a negative line', () => {
      expect(
        spec([created, activated])
          .when({
            ...co,
            amount: -20_000,
            lines: [{ lineId: 'D', item: '4', description: 'Deduct', scheduledValue: -20_000 }],
          })
          .events()[0].data,
      ).toMatchObject({ amount: -20_000 });
    });
    it('rejects lines that do not sum to the amount, a zero amount, a duplicate, or a draft contract', () => {
      spec([created, activated])
        .when({ ...co, amount: 60_000 })
        .thenThrows(RuleViolation, /must sum to its amount/);
      spec([created, activated])
        .when({ ...co, amount: 0 })
        .thenThrows(ValidationError);
      spec([created, activated, ...spec([created, activated]).when(co).events()])
        .when(co)
        .thenThrows(IllegalStateError, /already approved/);
      spec([created])
        .when(co)
        .thenThrows(IllegalStateError, /the contract is draft/);
      spec([created, activated])
        .when({ ...co, lines: [{ ...co.lines[0], lineId: 'A' }] })
        .thenThrows(ValidationError, /appears twice/);
    });
    it('refuses a number already approved on the contract (the same change order entered twice), whatever its case and spacing', () => {
      const first = spec([created, activated]).when(co).events();
      const twice = {
        ...co,
        changeOrderId: 'co-2',
        number: ' co-1 ',
        lines: [{ ...co.lines[0], lineId: 'E' }],
      };
      spec([created, activated, ...first])
        .when(twice)
        .thenThrows(
          IllegalStateError,
          /change order co-1 is already approved on this contract \(as CO-1\)/,
        );
      expect(
        spec([created, activated, ...first])
          .when({ ...twice, number: 'CO-2' })
          .events(),
      ).toHaveLength(1);
    });
    it('keeps the contract sum to date above 0, at most MAX_AMOUNT and not below the work billed to date', () => {
      const change = (amount: number) => ({
        ...co,
        amount,
        lines: [{ ...co.lines[0], scheduledValue: amount }],
      });
      spec([created, activated])
        .when(change(MAX_AMOUNT - 1_000_000 + 1))
        .thenThrows(
          RuleViolation,
          /would be 10000000000001: it stays above 0 and at most 10000000000000/,
        );
      spec([created, activated])
        .when(change(MAX_AMOUNT - 1_000_000))
        .then([expect.objectContaining({ type: 'ChangeOrderApproved' })]);
      spec([created, activated])
        .when(change(-1_000_000))
        .thenThrows(RuleViolation, /would be 0/);
      spec([created, activated, figures(400_000, 40_000)])
        .when(change(-600_001))
        .thenThrows(RuleViolation, /would be 399999, below the 400000 completed and billed/);
      spec([created, activated, figures(400_000, 40_000)])
        .when(change(-600_000))
        .then([expect.objectContaining({ type: 'ChangeOrderApproved' })]);
      // One change order beyond the bound at all is refused as an amount, whatever the sum.
      spec([created, activated])
        .when(change(Number.MAX_SAFE_INTEGER))
        .thenThrows(ValidationError, /at most 10000000000000/);
    });
  });

  describe('lifecycle', () => {
    const suspended: ContractEvent = {
      type: 'ContractSuspended',
      data: { contractId, suspendedOn: '2026-03-01', reason: 'owner funding' },
    };
    it('dates each change of status on or after the one before it, and a change order on or after the activation', () => {
      const resumed: ContractEvent = {
        type: 'ContractResumed',
        data: { contractId, resumedOn: '2026-04-01' },
      };
      spec([created, activated])
        .when({ type: 'CompleteContract', completedOn: '2026-01-02' })
        .thenThrows(
          RuleViolation,
          /a completion is dated on or after the contract became active \(2026-01-05\), not on 2026-01-02/,
        );
      spec([created, activated])
        .when({ type: 'SuspendContract', suspendedOn: '2026-01-04', reason: 'funding' })
        .thenThrows(RuleViolation, /a suspension is dated on or after/);
      spec([created, activated, suspended])
        .when({ type: 'ResumeContract', resumedOn: '2026-02-28' })
        .thenThrows(
          RuleViolation,
          /a resumption is dated on or after the suspension \(2026-03-01\)/,
        );
      spec([created, activated, suspended, resumed])
        .when({ type: 'CompleteContract', completedOn: '2026-03-31' })
        .thenThrows(RuleViolation, /\(2026-04-01\), not on 2026-03-31/);
      spec([created, activated, suspended, resumed])
        .when({ type: 'CompleteContract', completedOn: '2026-04-01' })
        .then([expect.objectContaining({ type: 'ContractCompleted' })]);
      spec([created, activated, completed, figures(1_000_000, 0), balance(0)])
        .when({ type: 'CloseContract', closedOn: '2026-06-29' })
        .thenThrows(RuleViolation, /a closing is dated on or after the completion \(2026-06-30\)/);
      spec([created, activated])
        .when({
          type: 'ApproveChangeOrder',
          changeOrderId: 'co',
          number: 'CO-1',
          description: 'x',
          amount: 1,
          approvedOn: '2025-01-01',
          lines: [{ lineId: 'C', item: '3', description: 'x', scheduledValue: 1 }],
        })
        .thenThrows(
          RuleViolation,
          /a change order is approved on or after the activation \(2026-01-05\), not on 2025-01-01/,
        );
    });
    it('suspends with a reason and resumes', () => {
      spec([created, activated])
        .when({ type: 'SuspendContract', suspendedOn: '2026-03-01', reason: 'owner funding' })
        .then([suspended]);
      spec([created, activated])
        .when({ type: 'SuspendContract', suspendedOn: '2026-03-01', reason: ' ' })
        .thenThrows(ValidationError, /reason/);
      spec([created, activated, suspended])
        .when({ type: 'ResumeContract', resumedOn: '2026-03-15' })
        .then([{ type: 'ContractResumed', data: { contractId, resumedOn: '2026-03-15' } }]);
      spec([created, activated])
        .when({ type: 'ResumeContract', resumedOn: '2026-03-15' })
        .thenThrows(IllegalStateError);
    });
    it('completes only while active', () => {
      spec([created, activated])
        .when({ type: 'CompleteContract', completedOn: '2026-06-30' })
        .then([completed]);
      spec([created, activated, suspended])
        .when({ type: 'CompleteContract', completedOn: '2026-06-30' })
        .thenThrows(IllegalStateError);
      spec([created, activated])
        .when({ type: 'CompleteContract', completedOn: '2026-06-31' })
        .thenThrows(ValidationError, /calendar date/);
    });
    it('closes only when fully billed, no retainage held and nothing open', () => {
      const close = { type: 'CloseContract' as const, closedOn: '2026-07-31' };
      spec([created, activated, completed])
        .when(close)
        .thenThrows(RuleViolation, /not fully billed/);
      spec([created, activated, completed, figures(1_000_000, 50_000)])
        .when(close)
        .thenThrows(RuleViolation, /retainage of 50000 is still held/);
      spec([created, activated, completed, figures(1_000_000, 0), balance(10)])
        .when(close)
        .thenThrows(RuleViolation, /invoices still have 10 open/);
      spec([created, activated, completed, figures(1_000_000, 0), balance(0)])
        .when(close)
        .then([{ type: 'ContractClosed', data: { contractId, closedOn: '2026-07-31' } }]);
      spec([created, activated]).when(close).thenThrows(IllegalStateError);
    });
    it('does not close while an invoice issued last is not yet on the account: its balance is on its way from receivables', () => {
      const release = (documentId: string, change: 'issued' | 'voided'): ContractEvent => ({
        type: 'BillingFiguresRecorded',
        data: {
          contractId,
          documentId,
          figures: {
            completedAndStoredToDate: 1_000_000,
            retainageHeld: 0,
            billedNet: 0,
            billedTax: 0,
          },
          document:
            change === 'issued'
              ? { change, kind: 'retainage-release', on: '2026-07-01', amount: 100_000, tax: 0 }
              : { change, on: '2026-07-02' },
        },
      });
      const opened: ContractEvent = {
        type: 'InvoiceBalanceRecorded',
        data: { contractId, invoiceId: 'rel', paid: 0, open: 100_000 },
      };
      const close = { type: 'CloseContract' as const, closedOn: '2026-07-31' };
      const settled = [created, activated, completed, figures(1_000_000, 50_000), balance(0)];
      spec([...settled, release('rel', 'issued')])
        .when(close)
        .thenThrows(RuleViolation, /invoice rel is issued and not yet on the customer's account/);
      spec([...settled, release('rel', 'issued'), opened])
        .when(close)
        .thenThrows(RuleViolation, /invoices still have 100000 open/);
      // The balance may come first (another topic), and a void settles the wait.
      spec([
        ...settled,
        opened,
        { ...opened, data: { ...opened.data, paid: 100_000, open: 0 } },
        release('rel', 'issued'),
      ])
        .when(close)
        .then([expect.objectContaining({ type: 'ContractClosed' })]);
      spec([...settled, release('rel', 'issued'), release('rel', 'voided')])
        .when(close)
        .then([expect.objectContaining({ type: 'ContractClosed' })]);
    });
    it('cancels only a draft, with a reason', () => {
      spec([created])
        .when({ type: 'CancelContract', cancelledOn: '2026-01-02', reason: 'lost the bid' })
        .then([
          {
            type: 'ContractCancelled',
            data: { contractId, cancelledOn: '2026-01-02', reason: 'lost the bid' },
          },
        ]);
      spec([created, activated])
        .when({ type: 'CancelContract', cancelledOn: '2026-01-02', reason: 'x' })
        .thenThrows(IllegalStateError);
    });
  });

  describe('every other refusal', () => {
    it.each([
      [
        'revising the schedule above the contract sum',
        [created],
        {
          type: 'ReviseScheduleOfValues',
          lines: [...lines, { lineId: 'C', item: '3', description: 'x', scheduledValue: 1 }],
        },
        RuleViolation,
      ],
      [
        'suspending a draft',
        [created],
        { type: 'SuspendContract', suspendedOn: '2026-03-01', reason: 'x' },
        IllegalStateError,
      ],
      [
        'completing a draft',
        [created],
        { type: 'CompleteContract', completedOn: '2026-03-01' },
        IllegalStateError,
      ],
      [
        'a change order on a completed contract',
        [created, activated, completed],
        {
          type: 'ApproveChangeOrder',
          changeOrderId: 'x',
          number: 'CO',
          description: 'x',
          amount: 1,
          approvedOn: '2026-07-01',
          lines: [{ lineId: 'Z', item: '9', description: 'x', scheduledValue: 1 }],
        },
        IllegalStateError,
      ],
      [
        'a change order line of zero',
        [created, activated],
        {
          type: 'ApproveChangeOrder',
          changeOrderId: 'x',
          number: 'CO',
          description: 'x',
          amount: 1,
          approvedOn: '2026-02-01',
          lines: [{ lineId: 'Z', item: '9', description: 'x', scheduledValue: 0 }],
        },
        ValidationError,
      ],
      [
        'an activation date that is not a date',
        [created],
        { type: 'ActivateContract', activatedOn: '05/01/2026' },
        ValidationError,
      ],
      [
        'negative payment terms',
        [],
        {
          type: 'CreateContract',
          contractId,
          terms: { ...terms, paymentTermsDays: -1 },
          lines,
          createdOn: '2026-01-01',
        },
        ValidationError,
      ],
    ] as const)('refuses %s', (_, given, command, error) => {
      spec([...given])
        .when(command as never)
        .thenThrows(error);
    });
  });
});
