// The schemas are checked with the event store's own validator, so what passes here is what append
// accepts.
import { EventSchemas } from '@billing/shared/testing';
import { fold, type DomainEvent } from '@billing/shared/kernel';
import {
  ledgerDecider,
  ledgerEventSchemas,
  numberingDecider,
  numberingEventSchemas,
  type LedgerCommand,
  type LedgerEvent,
  type LedgerTerms,
  type Completion,
  type NumberingCommand,
  type NumberingEvent,
} from './index';

const EVERY_TYPE: Record<LedgerEvent['type'] | NumberingEvent['type'], true> = {
  LedgerOpened: true,
  ChangeOrderRecorded: true,
  ContractPhaseRecorded: true,
  WorkCertified: true,
  PayApplicationDrafted: true,
  PayApplicationWithdrawn: true,
  PayApplicationRefused: true,
  RetainageReleaseDrafted: true,
  InvoiceIssued: true,
  InvoiceVoided: true,
  CreditNoteIssued: true,
  InvoicePaymentsRecorded: true,
  NumberReserved: true,
  NumberVoided: true,
};

const schemas = new EventSchemas().register(ledgerEventSchemas).register(numberingEventSchemas);
const contractId = '5b0f7a52-3f0e-4c53-9b1e-0d6c7f1a2b01';
const id = (n: number) => `5b0f7a52-3f0e-4c53-9b1e-${String(n).padStart(12, '0')}`;
const terms: LedgerTerms = {
  customer: {
    id: '7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f',
    name: 'Owner',
    email: 'ap@owner.example',
    address: 'Main St',
  },
  title: 'Clinic',
  currency: 'USD',
  originalSum: 1_000_000,
  retainage: [
    { threshold: 0, workRate: 1000, materialsRate: 500 },
    { threshold: 5000, workRate: 500, materialsRate: 0 },
  ],
  taxRate: 700,
  paymentTermsDays: 30,
  poNumber: 'PO-1',
};
const lines = [
  { lineId: 'A', item: '1', description: 'Site', scheduledValue: 400_000 },
  { lineId: 'B', item: '2', description: 'Build', scheduledValue: 600_000 },
];
const open: LedgerCommand = {
  type: 'OpenLedger',
  contractId,
  terms,
  lines,
  openedOn: '2026-01-05',
};
const draft = (
  invoiceId: string,
  periodEnd: string,
  a: number,
  b: number,
  storedB = 0,
): LedgerCommand => ({
  type: 'DraftPayApplication',
  invoiceId,
  certificationId: `${contractId}/progress/${periodEnd}`,
  periodEnd,
  lines: [
    { lineId: 'A', workCompletedToDate: a, storedMaterials: 0 },
    { lineId: 'B', workCompletedToDate: b, storedMaterials: storedB },
  ],
});
const issue = (invoiceId: string, number: string, issueDate: string): LedgerCommand => ({
  type: 'IssueInvoice',
  invoiceId,
  number,
  issueDate,
});

/** The events the commands write, each decided from the state the ones before it make. */
function history<C, E extends DomainEvent, S>(
  decider: { decide(command: C, state: S): readonly E[] } & Parameters<typeof fold<E, S>>[0],
  ...commands: C[]
): E[] {
  return commands.reduce<E[]>(
    (events, command) => [...events, ...decider.decide(command, fold(decider, events))],
    [],
  );
}

const paidAndCredited = history(
  ledgerDecider,
  open,
  {
    type: 'RecordChangeOrder',
    changeOrderId: id(3),
    amount: 40_000,
    lines: [
      { lineId: 'C', item: '3', description: 'Extra', scheduledValue: 50_000 },
      { lineId: 'D', item: '4', description: 'Deduct', scheduledValue: -10_000 },
    ],
  },
  draft(id(10), '2026-01-31', 100_000, 150_000, 20_000),
  issue(id(10), 'INV-2026-00001', '2026-02-03'),
  { type: 'RecordInvoicePayments', invoiceId: id(10), paid: 100_000 },
  {
    type: 'IssueCreditNote',
    creditNoteId: id(20),
    invoiceId: id(10),
    number: 'CN-2026-00001',
    amount: 10_000,
    issueDate: '2026-02-10',
    reason: 'rework',
  },
  draft(id(11), '2026-02-28', 200_000, 150_000, 20_000),
  draft(id(12), '2026-02-28', 100_000, 150_000, 20_000),
  draft(id(13), '2026-03-31', 50_000, 150_000),
  { type: 'RecordContractPhase', phase: 'completed', on: '2026-06-30' },
  { type: 'DraftRetainageRelease', invoiceId: id(30), releasedOn: '2026-07-01', agreed: false },
  issue(id(30), 'INV-2026-00002', '2026-07-02'),
);
const voided = history(
  ledgerDecider,
  open,
  draft(id(40), '2026-01-31', 100_000, 150_000),
  issue(id(40), 'INV-2026-00003', '2026-02-03'),
  {
    type: 'VoidInvoice',
    invoiceId: id(40),
    voidedOn: '2026-02-04',
    reason: 'wrong period',
    redraftInvoiceId: id(41),
  },
);
const reserve = (series: 'invoice' | 'credit-note', completion: Completion): NumberingCommand => ({
  type: 'ReserveNumber',
  series,
  documentId: completion.type === 'IssueInvoice' ? completion.invoiceId : completion.creditNoteId,
  contractId,
  issueDate: completion.issueDate,
  completion,
});
const numbers = history(
  numberingDecider,
  reserve('invoice', { type: 'IssueInvoice', invoiceId: id(10), issueDate: '2026-02-03' }),
  reserve('invoice', { type: 'IssueInvoice', invoiceId: id(30), issueDate: '2026-07-02' }),
  {
    type: 'VoidNumber',
    series: 'invoice',
    number: 'INV-2026-00002',
    documentId: id(30),
    contractId,
    reason: 'invoice is withdrawn; only a draft can be issued',
  },
);
const creditNotes = history(
  numberingDecider,
  reserve('credit-note', {
    type: 'IssueCreditNote',
    creditNoteId: id(20),
    invoiceId: id(10),
    amount: 10_000,
    issueDate: '2026-02-10',
    reason: 'rework',
  }),
);
const life: DomainEvent[] = [...paidAndCredited, ...voided, ...numbers, ...creditNotes];

describe('ledger and numbering event schemas', () => {
  it('has one schema for every event type, and no other', () => {
    expect(
      [...Object.keys(ledgerEventSchemas), ...Object.keys(numberingEventSchemas)].sort(),
    ).toEqual(Object.keys(EVERY_TYPE).sort());
  });

  it('accepts every event a ledger life and its number series decide', () => {
    expect(life.map((event) => event.type)).toEqual(
      expect.arrayContaining(Object.keys(EVERY_TYPE)),
    );
    expect(
      life
        .map((event) => ({ type: event.type, errors: schemas.errors(event.type, event.data) }))
        .filter((event) => event.errors.length > 0),
    ).toEqual([]);
  });

  it('refuses a reservation whose completion is not one of the two ledger commands', () => {
    const [reserved] = numbers;
    expect(
      schemas.errors('NumberReserved', {
        ...reserved.data,
        completion: { type: 'VoidInvoice', invoiceId: id(10) },
      }),
    ).toEqual(['completion.type: unknown value "VoidInvoice"']);
    expect(
      schemas.errors('NumberReserved', {
        ...reserved.data,
        completion: { type: 'IssueInvoice', invoiceId: id(10) },
      }),
    ).toEqual(['completion.issueDate: is required']);
  });

  it('refuses an issued invoice of an unknown kind or with a fractional amount', () => {
    const issued = paidAndCredited.find((event) => event.type === 'InvoiceIssued')!;
    expect(
      schemas.errors('InvoiceIssued', { ...issued.data, kind: 'deposit', amount: 1.5 }),
    ).toEqual(['kind: must be one of progress, retainage-release', 'amount: must be integer']);
  });
});
