import { fold } from '@billing/shared/kernel';
import {
  creditNoteDocumentOf,
  invoiceDocumentOf,
  ledgerDecider,
  type LedgerCommand,
  type LedgerEvent,
} from './index';

const opened: LedgerEvent = {
  type: 'LedgerOpened',
  data: {
    contractId: 'c-1',
    terms: {
      customer: { id: 'cust', name: 'Owner', email: 'ap@owner.example', address: 'Main St' },
      title: 'Clinic',
      currency: 'USD',
      originalSum: 1_000_000,
      retainage: [{ threshold: 0, workRate: 1000, materialsRate: 1000 }],
      taxRate: 500,
      paymentTermsDays: 30,
      poNumber: 'PO-7',
    },
    lines: [{ lineId: 'A', item: '1', description: 'Build', scheduledValue: 1_000_000 }],
    openedOn: '2026-01-05',
  },
};

/** The events of `commands` run in order after `events`, as the ledger would record them. */
const run = (events: LedgerEvent[], ...commands: LedgerCommand[]) =>
  commands.reduce<LedgerEvent[]>(
    (recorded, command) => [
      ...recorded,
      ...ledgerDecider.decide(command, fold(ledgerDecider, recorded)),
    ],
    events,
  );
const history = (...commands: LedgerCommand[]) => run([opened], ...commands);
const draft = (
  invoiceId: string,
  periodEnd: string,
  work: Record<string, number>,
): LedgerCommand => ({
  type: 'DraftPayApplication',
  invoiceId,
  certificationId: `cert-${periodEnd}`,
  periodEnd,
  lines: Object.entries(work).map(([lineId, workCompletedToDate]) => ({
    lineId,
    workCompletedToDate,
    storedMaterials: 0,
  })),
});
const issue = (invoiceId: string, number: string, issueDate: string): LedgerCommand => ({
  type: 'IssueInvoice',
  invoiceId,
  number,
  issueDate,
});
const changeOrder = (id: string, amount: number): LedgerCommand => ({
  type: 'RecordChangeOrder',
  changeOrderId: id,
  amount,
  lines: [{ lineId: id, item: id, description: `Change ${id}`, scheduledValue: amount }],
});
const creditNote = (
  creditNoteId: string,
  invoiceId: string,
  amount: number,
  number: string,
): LedgerCommand => ({
  type: 'IssueCreditNote',
  creditNoteId,
  invoiceId,
  number,
  amount,
  issueDate: '2026-03-20',
  reason: 'adjustment',
});

describe('documents as issued', () => {
  // Application 1 issued; an addition and a deduction approved; application 2 issued; another
  // addition; application 3.
  const events = history(
    draft('p1', '2026-01-31', { A: 100_000 }),
    issue('p1', 'INV-1', '2026-02-02'),
    changeOrder('CO1', 50_000),
    changeOrder('CO2', -20_000),
    draft('p2', '2026-02-28', { A: 200_000 }),
    issue('p2', 'INV-2', '2026-03-02'),
    changeOrder('CO3', 7_000),
    draft('p3', '2026-03-31', { A: 300_000 }),
    issue('p3', 'INV-3', '2026-04-02'),
  );

  it("splits line 2 into the change orders the previous application held and this period's", () => {
    const summaries = ['p1', 'p2', 'p3'].map((id) => {
      const document = invoiceDocumentOf(events, id);
      if (document?.kind !== 'pay-application') throw new Error(`${id} is no pay application`);
      expect(document.changeOrders.netChange).toBe(document.invoice.g702?.netChangeByChangeOrders);
      return document.changeOrders;
    });
    expect(summaries).toEqual([
      {
        previous: { additions: 0, deductions: 0 },
        thisPeriod: { additions: 0, deductions: 0 },
        totals: { additions: 0, deductions: 0 },
        netChange: 0,
      },
      {
        previous: { additions: 0, deductions: 0 },
        thisPeriod: { additions: 50_000, deductions: 20_000 },
        totals: { additions: 50_000, deductions: 20_000 },
        netChange: 30_000,
      },
      {
        previous: { additions: 50_000, deductions: 20_000 },
        thisPeriod: { additions: 7_000, deductions: 0 },
        totals: { additions: 57_000, deductions: 20_000 },
        netChange: 37_000,
      },
    ]);
  });

  it('is the ledger as of the issue: credit notes, payments or a void after it change nothing', () => {
    const later = run(events, creditNote('n1', 'p1', 1_000, 'CN-1'), {
      type: 'RecordInvoicePayments',
      invoiceId: 'p3',
      paid: 5_000,
    });
    const voided = run(events, {
      type: 'VoidInvoice',
      invoiceId: 'p3',
      voidedOn: '2026-04-03',
      reason: 'wrong period',
      redraftInvoiceId: 'p4',
    });
    expect(invoiceDocumentOf(voided, 'p3')).toEqual(invoiceDocumentOf(events, 'p3'));
    expect(invoiceDocumentOf(later, 'p1')).toEqual(invoiceDocumentOf(events, 'p1'));
    expect(invoiceDocumentOf(events, 'p1')).toMatchObject({
      contractDate: '2026-01-05',
      invoice: { number: 'INV-1', status: 'issued', credited: 0, paid: 0 },
    });
  });

  it('has no document for a draft or an unknown invoice', () => {
    const drafted = history(draft('p1', '2026-01-31', { A: 100_000 }));
    expect(invoiceDocumentOf(drafted, 'p1')).toBeUndefined();
    expect(invoiceDocumentOf(events, 'nope')).toBeUndefined();
  });

  it('shows on a credit note what earlier credit notes took from the invoice', () => {
    const credited = history(
      draft('p1', '2026-01-31', { A: 100_000 }),
      issue('p1', 'INV-1', '2026-02-02'),
      creditNote('n1', 'p1', 1_000, 'CN-1'),
      creditNote('n2', 'p1', 2_000, 'CN-2'),
    );
    expect(creditNoteDocumentOf(credited, 'n2')).toMatchObject({
      creditNote: { number: 'CN-2', amount: 2_000, tax: 100, total: 2_100 },
      invoice: { number: 'INV-1', total: 94_500, credited: 1_050 },
    });
    expect(creditNoteDocumentOf(credited, 'n1')?.invoice.credited).toBe(0);
    expect(creditNoteDocumentOf(credited, 'n3')).toBeUndefined();
  });

  it('names, on a retainage release, the application whose line 5 it bills', () => {
    const released = run(
      events,
      { type: 'RecordContractPhase', phase: 'completed', on: '2026-04-09' },
      { type: 'DraftRetainageRelease', invoiceId: 'r1', releasedOn: '2026-04-10', agreed: false },
      issue('r1', 'INV-4', '2026-04-11'),
    );
    const document = invoiceDocumentOf(released, 'r1');
    expect(document).toMatchObject({
      kind: 'retainage-release',
      invoice: { amount: 30_000 },
      application: { invoiceId: 'p3', number: 'INV-3' },
    });
  });

  it('releases from each line what it still holds: column I less what earlier releases took from it', () => {
    const twoLines: LedgerEvent = {
      ...opened,
      data: {
        ...opened.data,
        lines: [
          { lineId: 'A', item: '1', description: 'Frame', scheduledValue: 500_000 },
          { lineId: 'B', item: '2', description: 'Finish', scheduledValue: 500_000 },
        ],
      },
    };
    const agreed = run(
      [twoLines],
      draft('p1', '2026-01-31', { A: 500_000, B: 0 }),
      issue('p1', 'INV-1', '2026-02-02'),
      // Line A alone held retainage: an agreed release takes all of it.
      { type: 'DraftRetainageRelease', invoiceId: 'r1', releasedOn: '2026-02-10', agreed: true },
      issue('r1', 'INV-2', '2026-02-10'),
      draft('p2', '2026-02-28', { A: 500_000, B: 333_333 }),
      issue('p2', 'INV-3', '2026-03-02'),
      { type: 'RecordContractPhase', phase: 'completed', on: '2026-03-09' },
      { type: 'DraftRetainageRelease', invoiceId: 'r2', releasedOn: '2026-03-10', agreed: false },
      issue('r2', 'INV-4', '2026-03-10'),
    );
    expect(invoiceDocumentOf(agreed, 'r1')).toMatchObject({
      invoice: { amount: 50_000 },
      releasedByLine: [50_000, 0],
    });
    // Column I is A 50,000 and B 33,333; line A gave all it held in the first release.
    expect(invoiceDocumentOf(agreed, 'r2')).toMatchObject({
      invoice: { amount: 33_333 },
      application: { invoiceId: 'p2', g702: { retainageReleased: 50_000 } },
      releasedByLine: [0, 33_333],
    });
  });

  it("releases a deductive change order's negative retainage on its own line: each line its column I", () => {
    const released = history(
      changeOrder('D', -100_000),
      draft('p1', '2026-01-31', { A: 1_000_000, D: -100_000 }),
      issue('p1', 'INV-1', '2026-02-02'),
      { type: 'RecordContractPhase', phase: 'completed', on: '2026-02-09' },
      { type: 'DraftRetainageRelease', invoiceId: 'r1', releasedOn: '2026-02-10', agreed: false },
      issue('r1', 'INV-2', '2026-02-10'),
    );
    expect(invoiceDocumentOf(released, 'r1')).toMatchObject({
      invoice: { amount: 90_000 },
      application: { g703: [{ retainage: 100_000 }, { retainage: -10_000 }] },
      releasedByLine: [100_000, -10_000],
    });
  });
});
