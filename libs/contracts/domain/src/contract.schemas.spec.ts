// The schemas are checked with the event store's own validator, so what passes here is what append
// accepts.
import { EventSchemas } from '@billing/shared/testing';
import { fold } from '@billing/shared/kernel';
import {
  contractDecider,
  contractEventSchemas,
  type BillingDocument,
  type ContractCommand,
  type ContractEvent,
  type ContractTerms,
} from './index';

const EVERY_TYPE: Record<ContractEvent['type'], true> = {
  ContractCreated: true,
  ScheduleOfValuesRevised: true,
  ContractActivated: true,
  ChangeOrderApproved: true,
  ContractSuspended: true,
  ContractResumed: true,
  ContractCompleted: true,
  ContractClosed: true,
  ContractCancelled: true,
  BillingFiguresRecorded: true,
  InvoiceBalanceRecorded: true,
  CostsReported: true,
};

const schemas = new EventSchemas().register(contractEventSchemas);
const contractId = '5b0f7a52-3f0e-4c53-9b1e-0d6c7f1a2b01';
const invoiceId = '5b0f7a52-3f0e-4c53-9b1e-0d6c7f1a2b02';
const terms: ContractTerms = {
  customer: {
    id: '7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f',
    name: 'Owner',
    email: 'ap@owner.example',
    address: 'Main St',
  },
  title: 'Clinic',
  currency: 'USD',
  originalSum: 1_000_000,
  basis: 'progress',
  retainage: [
    { threshold: 0, workRate: 1000, materialsRate: 1000 },
    { threshold: 5000, workRate: 500, materialsRate: 500 },
  ],
  taxRate: 825,
  paymentTermsDays: 30,
  poNumber: '',
  startDate: '2026-01-05',
};
const lines = [
  { lineId: 'A', item: '1', description: 'Site', scheduledValue: 400_000 },
  { lineId: 'B', item: '2', description: 'Build', scheduledValue: 600_000 },
];
const create: ContractCommand = {
  type: 'CreateContract',
  contractId,
  terms,
  lines: [lines[0]],
  createdOn: '2026-01-02',
};
const changeOrder = (changeOrderId: string, lineId: string, amount: number): ContractCommand => ({
  type: 'ApproveChangeOrder',
  changeOrderId,
  number: `CO-${lineId}`,
  description: 'Change',
  amount,
  approvedOn: '2026-02-10',
  lines: [{ lineId, item: lineId, description: 'Change', scheduledValue: amount }],
});
const figures = (
  completedAndStoredToDate: number,
  retainageHeld: number,
  document?: BillingDocument,
): ContractCommand => ({
  type: 'RecordBillingFigures',
  documentId: invoiceId,
  figures: {
    completedAndStoredToDate,
    retainageHeld,
    billedNet: completedAndStoredToDate - retainageHeld,
    billedTax: 0,
  },
  ...(document ? { document } : {}),
});

/** The events a contract's life writes, each decided from the state the ones before it make. */
function history(...commands: ContractCommand[]): ContractEvent[] {
  return commands.reduce<ContractEvent[]>(
    (events, command) => [
      ...events,
      ...contractDecider.decide(command, fold(contractDecider, events)),
    ],
    [],
  );
}

const life = [
  ...history(create, { type: 'CancelContract', cancelledOn: '2026-01-03', reason: 'lost the bid' }),
  ...history(
    create,
    { type: 'ReviseScheduleOfValues', lines },
    { type: 'ActivateContract', activatedOn: '2026-01-05' },
    changeOrder('5b0f7a52-3f0e-4c53-9b1e-0d6c7f1a2b03', 'C', 50_000),
    changeOrder('5b0f7a52-3f0e-4c53-9b1e-0d6c7f1a2b04', 'D', -20_000),
    { type: 'SuspendContract', suspendedOn: '2026-03-01', reason: 'owner funding' },
    { type: 'ResumeContract', resumedOn: '2026-03-15' },
    figures(500_000, 50_000),
    {
      type: 'ReportCosts',
      periodEnd: '2026-03-31',
      costToDate: 380_000,
      estimatedTotalCost: 800_000,
      reportedOn: '2026-04-06',
    },
    figures(500_000, 50_000, { change: 'voided', on: '2026-04-07' }),
    figures(500_000, 50_000, {
      change: 'issued',
      kind: 'progress',
      on: '2026-04-08',
      amount: 450_000,
      tax: 0,
    }),
    { type: 'RecordInvoiceBalance', invoiceId, paid: 100_000, open: 350_000 },
    { type: 'CompleteContract', completedOn: '2026-06-30' },
    figures(1_030_000, 0),
    { type: 'RecordInvoiceBalance', invoiceId, paid: 1_030_000, open: 0 },
    { type: 'CloseContract', closedOn: '2026-07-31' },
  ),
];

const created = (history(create)[0] as Extract<ContractEvent, { type: 'ContractCreated' }>).data;

describe('contract event schemas', () => {
  it('has one schema for every event type, and no other', () => {
    expect(Object.keys(contractEventSchemas).sort()).toEqual(Object.keys(EVERY_TYPE).sort());
  });

  it('accepts every event a contract life decides', () => {
    expect(life.map((event) => event.type).sort()).toEqual(
      expect.arrayContaining(Object.keys(EVERY_TYPE).sort()),
    );
    expect(
      life
        .map((event) => ({ type: event.type, errors: schemas.errors(event.type, event.data) }))
        .filter((event) => event.errors.length > 0),
    ).toEqual([]);
  });

  it.each([
    [
      'without customer',
      (t: object) => Object.fromEntries(Object.entries(t).filter(([key]) => key !== 'customer')),
      'terms.customer: is required',
    ],
    [
      'with customer: []',
      (t: object) => ({ ...t, customer: [] }),
      'terms.customer: must be object',
    ],
    [
      'with a start date that is no calendar date',
      (t: object) => ({ ...t, startDate: '2026-02-30' }),
      'terms.startDate: must match format "date"',
    ],
    [
      'with an unknown basis',
      (t: object) => ({ ...t, basis: 'hourly' }),
      'terms.basis: must be one of progress, milestone',
    ],
    [
      'with a tax rate over 100%',
      (t: object) => ({ ...t, taxRate: 10_001 }),
      'terms.taxRate: must be <= 10000',
    ],
  ])('refuses a ContractCreated %s', (_, change, problem) => {
    expect(
      schemas.errors('ContractCreated', { ...created, terms: change(created.terms) }),
    ).toContain(problem);
  });

  it('refuses a ContractCreated without lines, or with a fractional scheduled value', () => {
    expect(schemas.errors('ContractCreated', { ...created, lines: undefined })).toEqual([
      'lines: is required',
    ]);
    expect(
      schemas.errors('ContractCreated', {
        ...created,
        lines: [{ ...lines[0], scheduledValue: 0.5 }],
      }),
    ).toContain('lines.0.scheduledValue: must be integer');
  });
});
