import { IllegalStateError, RuleViolation, ValidationError } from '@billing/shared/kernel';
import { specFor } from '@billing/shared/testing';
import {
  billedToDateAsOf,
  contractDecider,
  contractSumAsOf,
  wipFigures,
  type ContractCommand,
  type ContractEvent,
  type ContractTerms,
} from './index';

const spec = specFor(contractDecider);
const contractId = 'c-1';
const terms: ContractTerms = {
  customer: { id: 'cust', name: 'Owner', email: 'ap@owner.example', address: 'Main St' },
  title: 'Clinic',
  currency: 'USD',
  originalSum: 1_000_000,
  basis: 'progress',
  retainage: [{ threshold: 0, workRate: 1000, materialsRate: 1000 }],
  taxRate: 0,
  paymentTermsDays: 30,
  poNumber: '',
  startDate: '2026-01-01',
};
const lines = [{ lineId: 'A', item: '1', description: 'Site', scheduledValue: 1_000_000 }];
const created: ContractEvent = {
  type: 'ContractCreated',
  data: { contractId, terms, lines, createdOn: '2026-01-01' },
};
const activated: ContractEvent = {
  type: 'ContractActivated',
  data: { contractId, activatedOn: '2026-01-05', terms, lines },
};
const report = (
  change: Partial<Extract<ContractCommand, { type: 'ReportCosts' }>> = {},
): ContractCommand => ({
  type: 'ReportCosts',
  periodEnd: '2026-01-31',
  costToDate: 250_000,
  estimatedTotalCost: 800_000,
  reportedOn: '2026-02-04',
  ...change,
});
const reported: ContractEvent = {
  type: 'CostsReported',
  data: {
    contractId,
    periodEnd: '2026-01-31',
    costToDate: 250_000,
    estimatedTotalCost: 800_000,
    reportedOn: '2026-02-04',
  },
};

describe('reporting job costs (ADR 20)', () => {
  it('records the cost to date and the estimated total cost of a period', () => {
    spec([created, activated]).when(report()).then([reported]);
  });

  it('records a corrected report of a period, and nothing for the same figures again', () => {
    spec([created, activated, reported])
      .when(report({ costToDate: 260_000, reportedOn: '2026-02-10' }))
      .then([
        { ...reported, data: { ...reported.data, costToDate: 260_000, reportedOn: '2026-02-10' } },
      ]);
    spec([created, activated, reported])
      .when(report({ reportedOn: '2026-02-11' }))
      .then([]);
  });

  it.each([
    [
      'a period end that is not the end of a month',
      report({ periodEnd: '2026-01-30' }),
      ValidationError,
      /last day of its month/,
    ],
    ['a negative cost to date', report({ costToDate: -1 }), ValidationError, /cost to date/],
    ['a fractional cost to date', report({ costToDate: 1.5 }), ValidationError, /cost to date/],
    [
      'a zero estimated total cost',
      report({ estimatedTotalCost: 0 }),
      ValidationError,
      /estimated total cost/,
    ],
    [
      'a report before the period ends',
      report({ reportedOn: '2026-01-30' }),
      RuleViolation,
      /once it has ended/,
    ],
    [
      'a cost to date above the estimate',
      report({ costToDate: 800_001 }),
      RuleViolation,
      /revise the estimate/,
    ],
  ])('refuses %s', (_, command, error, message) => {
    spec([created, activated]).when(command).thenThrows(error, message);
  });

  it('records costs after completion and closing too, and refuses a draft or a cancelled contract', () => {
    const closed: ContractEvent = {
      type: 'ContractClosed',
      data: { contractId, closedOn: '2026-07-31' },
    };
    spec([created, activated, closed]).when(report()).then([reported]);
    spec([created]).when(report()).thenThrows(IllegalStateError, /draft/);
    spec([
      created,
      {
        type: 'ContractCancelled',
        data: { contractId, cancelledOn: '2026-01-02', reason: 'lost' },
      },
    ])
      .when(report())
      .thenThrows(IllegalStateError, /cancelled/);
  });
});

describe('WIP figures (ADR 20)', () => {
  it('earns the contract sum in the proportion of cost, rounded half away from zero from the exact product', () => {
    // 1,000,000 x 1 / 3 = 333,333.33 -> 333,333; the percent 33.33% alone would give 333,300.
    expect(
      wipFigures({
        contractSum: 1_000_000,
        costToDate: 1,
        estimatedTotalCost: 3,
        billedToDate: 400_000,
      }),
    ).toEqual({
      contractSum: 1_000_000,
      estimatedTotalCost: 3,
      estimatedGrossProfit: 999_997,
      costToDate: 1,
      costToComplete: 2,
      percentComplete: 3333,
      earnedToDate: 333_333,
      grossProfitToDate: 333_332,
      billedToDate: 400_000,
      overUnder: 66_667,
      overbilled: 66_667,
      underbilled: 0,
    });
    // 5 x 1 / 2 = 2.5 -> 3 (half away from zero); 2 of 3 = 66.666…% -> 6667.
    expect(
      wipFigures({ contractSum: 5, costToDate: 1, estimatedTotalCost: 2, billedToDate: 0 }),
    ).toMatchObject({ earnedToDate: 3, underbilled: 3, overUnder: -3 });
    expect(
      wipFigures({ contractSum: 9, costToDate: 2, estimatedTotalCost: 3, billedToDate: 6 })
        .percentComplete,
    ).toBe(6667);
  });

  it('keeps amounts beyond 2^53 / cost exact (BigInt products)', () => {
    const figures = wipFigures({
      contractSum: 9_007_199_254_740,
      costToDate: 9_007_199_254,
      estimatedTotalCost: 9_007_199_255,
      billedToDate: 0,
    });
    expect(figures.earnedToDate).toBe(
      Number((9_007_199_254_740n * 9_007_199_254n * 2n + 9_007_199_255n) / (9_007_199_255n * 2n)),
    );
  });

  it('counts change orders approved on or before the date', () => {
    const orders = [
      { amount: 50_000, approvedOn: '2026-02-10' },
      { amount: -20_000, approvedOn: '2026-03-31' },
      { amount: 7_000, approvedOn: '2026-04-01' },
    ];
    expect([
      contractSumAsOf(1_000_000, orders, '2026-02-09'),
      contractSumAsOf(1_000_000, orders, '2026-03-31'),
    ]).toEqual([1_000_000, 1_030_000]);
  });

  it('reads billed to date from the last document issued and not voided by the date', () => {
    const documents = [
      { issuedOn: '2026-02-03', completedAndStoredToDate: 100, sequence: 1 },
      {
        issuedOn: '2026-03-04',
        voidedOn: '2026-03-10',
        completedAndStoredToDate: 250,
        sequence: 2,
      },
      { issuedOn: '2026-03-12', completedAndStoredToDate: 240, sequence: 3 },
      { issuedOn: '2026-03-12', completedAndStoredToDate: 240, sequence: 4 },
    ];
    expect(
      ['2026-02-02', '2026-02-28', '2026-03-05', '2026-03-11', '2026-03-31'].map((date) =>
        billedToDateAsOf(documents, date),
      ),
    ).toEqual([0, 100, 250, 100, 240]);
  });
});
