import {
  IllegalStateError,
  NotFoundError,
  RuleViolation,
  ValidationError,
} from '@billing/shared/kernel';
import { specFor } from '@billing/shared/testing';
import { fold } from '@billing/shared/kernel';
import {
  billingFigures,
  ledgerDecider,
  numberingDecider,
  reservedNumber,
  retainageStepFor,
  type Ledger,
  type LedgerCommand,
  type LedgerEvent,
  type LedgerTerms,
} from './index';

const spec = specFor(ledgerDecider);
const contractId = 'c-1';
const terms: LedgerTerms = {
  customer: { id: 'cust', name: 'Owner', email: 'ap@owner.example', address: 'Main St' },
  title: 'Clinic',
  currency: 'USD',
  originalSum: 1_000_000,
  retainage: [
    { threshold: 0, workRate: 1000, materialsRate: 500 },
    { threshold: 5000, workRate: 500, materialsRate: 0 },
  ],
  taxRate: 700,
  paymentTermsDays: 30,
  poNumber: '',
};
const opened: LedgerEvent = {
  type: 'LedgerOpened',
  data: {
    contractId,
    terms,
    lines: [
      { lineId: 'A', item: '1', description: 'Site', scheduledValue: 400_000 },
      { lineId: 'B', item: '2', description: 'Build', scheduledValue: 600_000 },
    ],
    openedOn: '2026-01-05',
  },
};
const draft = (
  invoiceId: string,
  periodEnd: string,
  a: number,
  b: number,
  storedB = 0,
): Extract<LedgerCommand, { type: 'DraftPayApplication' }> => ({
  type: 'DraftPayApplication',
  invoiceId,
  certificationId: `cert-${periodEnd}`,
  periodEnd,
  lines: [
    { lineId: 'A', workCompletedToDate: a, storedMaterials: 0 },
    { lineId: 'B', workCompletedToDate: b, storedMaterials: storedB },
  ],
});

/** Run commands in order, collecting every event, as the ledger would record them. */
function history(...commands: LedgerCommand[]): LedgerEvent[] {
  return commands.reduce<LedgerEvent[]>(
    (events, command) => [...events, ...ledgerDecider.decide(command, fold(ledgerDecider, events))],
    [opened],
  );
}
const ledgerOf = (events: LedgerEvent[]) => fold(ledgerDecider, events) as Ledger;
const issue = (invoiceId: string, number: string, issueDate = '2026-02-03'): LedgerCommand => ({
  type: 'IssueInvoice',
  invoiceId,
  number,
  issueDate,
});

describe('pay applications', () => {
  describe('a change order recorded while an application is in draft', () => {
    const changeOrder = (changeOrderId: string, amount: number): LedgerCommand => ({
      type: 'RecordChangeOrder',
      changeOrderId,
      amount,
      lines: [{ lineId: changeOrderId, item: '9', description: 'CO', scheduledValue: amount }],
    });
    const drafted = (events: LedgerEvent[]) =>
      ledgerOf(events).invoices.find((invoice) => invoice.status === 'draft');

    it('recomputes the draft: its line 2 holds it, as a draft made after it would', () => {
      const events = history(draft('p1', '2026-01-31', 100_000, 0), changeOrder('co1', 50_000));
      expect(drafted(events)).toMatchObject({
        invoiceId: 'p1',
        periodEnd: '2026-01-31',
        g702: { netChangeByChangeOrders: 50_000, contractSumToDate: 1_050_000 },
      });
      const later = history(changeOrder('co1', 50_000), draft('p1', '2026-01-31', 100_000, 0));
      expect(drafted(events)).toEqual(drafted(later));
    });

    it('withdraws the draft, with the reason, when a deduction takes the sum below the work certified', () => {
      const events = history(
        draft('p1', '2026-01-31', 400_000, 600_000),
        changeOrder('co1', -600_000),
      );
      expect(drafted(events)).toBeUndefined();
      expect(events.slice(-2)).toEqual([
        {
          type: 'PayApplicationWithdrawn',
          data: {
            contractId,
            invoiceId: 'p1',
            reason: 'the work certified exceeds the contract sum',
          },
        },
        {
          type: 'PayApplicationRefused',
          data: {
            contractId,
            certificationId: 'co1',
            periodEnd: '2026-01-31',
            reason:
              'the work completed and stored to date (G702 line 4) would be 1000000, above the contract sum to date (line 3) of 400000: a change order took the sum below the work certified',
          },
        },
      ]);
    });

    it('leaves the ledger as it was with no draft pending', () => {
      const events = history(changeOrder('co1', 50_000));
      expect(events.map((event) => event.type)).toEqual(['LedgerOpened', 'ChangeOrderRecorded']);
    });
  });

  it('drafts G702/G703 from certified work: retainage per line by step, tax on line 8', () => {
    const events = history(draft('p1', '2026-01-31', 100_000, 150_000, 20_000));
    const drafted = events.find((e) => e.type === 'PayApplicationDrafted');
    expect(drafted?.data).toMatchObject({
      invoiceId: 'p1',
      applicationNo: 1,
      g702: {
        contractSumToDate: 1_000_000,
        totalCompletedAndStoredToDate: 270_000,
        retainageOnCompletedWork: 25_000,
        retainageOnStoredMaterials: 1_000,
        totalRetainage: 26_000,
        totalEarnedLessRetainage: 244_000,
        lessPreviousCertificates: 0,
        currentPaymentDue: 244_000,
        balanceToFinishIncludingRetainage: 756_000,
      },
      amount: 244_000,
      tax: 17_080,
      total: 261_080,
    });
    expect(drafted?.type === 'PayApplicationDrafted' && drafted.data.g703[1]).toMatchObject({
      fromPreviousApplication: 0,
      thisPeriod: 150_000,
      materialsPresentlyStored: 20_000,
      completedAndStoredToDate: 170_000,
      percentComplete: 2833,
      balanceToFinish: 430_000,
      retainage: 16_000,
    });
  });

  it('builds the next application on the last issued one (columns D, line 7) and switches retainage step at 50%', () => {
    const events = history(
      draft('p1', '2026-01-31', 100_000, 150_000, 20_000),
      issue('p1', 'INV-2026-00001'),
      draft('p2', '2026-02-28', 400_000, 100_000 + 150_000, 0),
    );
    const second = events.filter((e) => e.type === 'PayApplicationDrafted')[1];
    if (second?.type !== 'PayApplicationDrafted') throw new Error('no second draft');
    // 650 000 / 1 000 000 = 65% >= 50%: 5% on work, 0% on materials.
    expect(second.data.g702).toMatchObject({
      totalCompletedAndStoredToDate: 650_000,
      totalRetainage: 32_500,
      totalEarnedLessRetainage: 617_500,
      lessPreviousCertificates: 244_000,
      currentPaymentDue: 373_500,
      retainageStep: { threshold: 5000 },
    });
    expect(second.data.g703[0]).toMatchObject({
      fromPreviousApplication: 100_000,
      thisPeriod: 300_000,
    });
    expect(second.data.applicationNo).toBe(2);
  });

  it('compares the step threshold exactly, not rounded', () => {
    const steps = terms.retainage;
    expect(retainageStepFor(steps, 499_999, 1_000_000).threshold).toBe(0); // 49.9999%
    expect(retainageStepFor(steps, 500_000, 1_000_000).threshold).toBe(5000);
    expect(retainageStepFor(steps, 333_334, 666_667).threshold).toBe(5000); // 50.00004%
    expect(retainageStepFor(steps, 333_333, 666_667).threshold).toBe(0); // 49.99993%
  });

  it('redrafts a pending draft with later certified work instead of a second draft', () => {
    const events = history(
      draft('p1', '2026-01-31', 100_000, 0),
      draft('p2', '2026-02-28', 200_000, 0),
    );
    const ledger = ledgerOf(events);
    expect(ledger.invoices.map((i) => [i.invoiceId, i.status, i.amount])).toEqual([
      ['p1', 'draft', 180_000],
    ]);
  });

  it('drafts nothing when nothing new is certified, and withdraws a draft that falls to zero', () => {
    const afterIssue = history(
      draft('p1', '2026-01-31', 100_000, 0),
      issue('p1', 'INV-2026-00001'),
    );
    spec(afterIssue)
      .when(draft('p2', '2026-02-28', 100_000, 0))
      .then([
        {
          type: 'WorkCertified',
          data: {
            contractId,
            certificationId: 'cert-2026-02-28',
            periodEnd: '2026-02-28',
            lines: [
              { lineId: 'A', workCompletedToDate: 100_000, storedMaterials: 0 },
              { lineId: 'B', workCompletedToDate: 0, storedMaterials: 0 },
            ],
          },
        },
      ]);
    const withDraft = history(draft('p1', '2026-01-31', 100_000, 0));
    expect(
      spec(withDraft)
        .when(draft('p2', '2026-02-28', 0, 0))
        .events()
        .map((e) => e.type),
    ).toEqual(['WorkCertified', 'PayApplicationWithdrawn']);
  });

  it('refuses, with the reason, a certification that would make line 8 negative', () => {
    const issued = history(draft('p1', '2026-01-31', 300_000, 0), issue('p1', 'INV-2026-00001'));
    const events = spec(issued)
      .when({
        ...draft('p2', '2026-02-28', 200_000, 0),
        lines: [{ lineId: 'A', workCompletedToDate: 200_000, storedMaterials: 0 }],
      })
      .events();
    expect(events[1]).toMatchObject({
      type: 'PayApplicationRefused',
      data: { reason: expect.stringMatching(/line 8\) would be -90000/) },
    });
  });

  it('waits for lines it does not know yet (a change order still on its way)', () => {
    spec([opened])
      .when({
        ...draft('p1', '2026-01-31', 1, 1),
        lines: [{ lineId: 'CO-LINE', workCompletedToDate: 1, storedMaterials: 0 }],
      })
      .thenThrows(NotFoundError, /not on this contract's ledger yet/);
  });
});

describe('issue, void, credit notes', () => {
  const withIssued = history(draft('p1', '2026-01-31', 100_000, 0), issue('p1', 'INV-2026-00001'));

  it('issues a draft with its number and due date (issue date + terms) and the figures after it', () => {
    const [event] = spec(history(draft('p1', '2026-01-31', 100_000, 0)))
      .when(issue('p1', 'INV-2026-00001', '2026-02-03'))
      .events();
    expect(event).toMatchObject({
      type: 'InvoiceIssued',
      data: {
        number: 'INV-2026-00001',
        issueDate: '2026-02-03',
        dueDate: '2026-03-05',
        amount: 90_000,
        tax: 6_300,
        total: 96_300,
        customerId: 'cust',
        figures: {
          completedAndStoredToDate: 100_000,
          retainageHeld: 10_000,
          billedNet: 90_000,
          billedTax: 6_300,
        },
      },
    });
  });

  it('treats issuing again with the same number as done, and refuses another number', () => {
    spec(withIssued).when(issue('p1', 'INV-2026-00001')).then([]);
    spec(withIssued)
      .when(issue('p1', 'INV-2026-00009'))
      .thenThrows(IllegalStateError, /only a draft can be issued/);
    spec(withIssued).when(issue('nope', 'INV-2026-00009')).thenThrows(NotFoundError);
  });

  it('voids an unpaid latest application; its work is drafted again for review', () => {
    const voided = history(draft('p1', '2026-01-31', 100_000, 0), issue('p1', 'INV-2026-00001'), {
      type: 'VoidInvoice',
      invoiceId: 'p1',
      voidedOn: '2026-02-05',
      reason: 'wrong period',
      redraftInvoiceId: 'p1b',
    });
    expect(voided.slice(-2).map((e) => e.type)).toEqual(['InvoiceVoided', 'PayApplicationDrafted']);
    expect(billingFigures(ledgerOf(voided))).toEqual({
      completedAndStoredToDate: 0,
      retainageHeld: 0,
      billedNet: 0,
      billedTax: 0,
    });
    expect(ledgerOf(voided).invoices.find((i) => i.invoiceId === 'p1b')).toMatchObject({
      status: 'draft',
      applicationNo: 1,
      amount: 90_000,
      periodEnd: '2026-01-31',
      g702: { lessPreviousCertificates: 0 },
    });
  });

  it('recomputes a pending draft when the application under it is voided', () => {
    const events = history(
      draft('p1', '2026-01-31', 100_000, 0),
      issue('p1', 'INV-2026-00001'),
      draft('p2', '2026-02-28', 200_000, 0),
      {
        type: 'VoidInvoice',
        invoiceId: 'p1',
        voidedOn: '2026-03-01',
        reason: 'duplicate',
        redraftInvoiceId: 'p1b',
      },
    );
    expect(ledgerOf(events).invoices.find((i) => i.invoiceId === 'p2')).toMatchObject({
      status: 'draft',
      amount: 180_000,
      applicationNo: 1,
    });
  });

  it('refuses to void a paid, credited, earlier, or draft invoice', () => {
    const paid = [
      ...withIssued,
      {
        type: 'InvoicePaymentsRecorded',
        data: { contractId, invoiceId: 'p1', paid: 1 },
      } as LedgerEvent,
    ];
    spec(paid)
      .when({
        type: 'VoidInvoice',
        invoiceId: 'p1',
        voidedOn: '2026-02-05',
        reason: 'x',
        redraftInvoiceId: 'p1b',
      })
      .thenThrows(RuleViolation, /credit note instead/);
    const writtenOff = [
      ...withIssued,
      {
        type: 'InvoicePaymentsRecorded',
        data: { contractId, invoiceId: 'p1', paid: 0, on: '2026-02-04', paidChange: 0, open: 1 },
      } as LedgerEvent,
    ];
    spec(writtenOff)
      .when({
        type: 'VoidInvoice',
        invoiceId: 'p1',
        voidedOn: '2026-02-05',
        reason: 'x',
        redraftInvoiceId: 'p1b',
      })
      .thenThrows(RuleViolation, /written off in part/);
    const two = history(
      draft('p1', '2026-01-31', 100_000, 0),
      issue('p1', 'INV-2026-00001'),
      draft('p2', '2026-02-28', 200_000, 0),
      issue('p2', 'INV-2026-00002', '2026-03-03'),
    );
    spec(two)
      .when({
        type: 'VoidInvoice',
        invoiceId: 'p1',
        voidedOn: '2026-03-05',
        reason: 'x',
        redraftInvoiceId: 'p1b',
      })
      .thenThrows(RuleViolation, /only the latest pay application/);
    spec(history(draft('p1', '2026-01-31', 100_000, 0)))
      .when({
        type: 'VoidInvoice',
        invoiceId: 'p1',
        voidedOn: '2026-02-05',
        reason: 'x',
        redraftInvoiceId: 'p1b',
      })
      .thenThrows(IllegalStateError);
    spec(withIssued)
      .when({
        type: 'VoidInvoice',
        invoiceId: 'p1',
        voidedOn: '2026-02-05',
        reason: '',
        redraftInvoiceId: 'p1b',
      })
      .thenThrows(ValidationError, /reason/);
  });

  it('credits at most the invoice total less earlier credit notes, tax at the invoice rate', () => {
    const note = (creditNoteId: string, amount: number): LedgerCommand => ({
      type: 'IssueCreditNote',
      creditNoteId,
      invoiceId: 'p1',
      number: `CN-2026-0000${creditNoteId}`,
      amount,
      issueDate: '2026-02-10',
      reason: 'rework',
    });
    const [first] = spec(withIssued).when(note('1', 50_001)).events();
    expect(first).toMatchObject({
      type: 'CreditNoteIssued',
      data: { amount: 50_001, tax: 3_500, total: 53_501 },
    }); // 3 500.07
    const after = [...withIssued, first];
    spec(after)
      .when(note('2', 40_000))
      .thenThrows(RuleViolation, /exceeds what is left to credit .* \(42799\)/);
    expect(spec(after).when(note('2', 39_999)).events()[0].data).toMatchObject({ total: 42_799 });
    spec(after).when(note('1', 50_001)).then([]);
    spec(withIssued).when(note('3', 0)).thenThrows(ValidationError);
    expect(() =>
      ledgerDecider.decide(
        {
          type: 'VoidInvoice',
          invoiceId: 'p1',
          voidedOn: '2026-02-11',
          reason: 'x',
          redraftInvoiceId: 'p1b',
        },
        ledgerOf(after),
      ),
    ).toThrow(/paid or credited/);
  });
});

describe('retainage release', () => {
  const complete: LedgerCommand = {
    type: 'RecordContractPhase',
    phase: 'completed',
    on: '2026-06-30',
  };
  const release: LedgerCommand = {
    type: 'DraftRetainageRelease',
    invoiceId: 'r1',
    releasedOn: '2026-07-01',
    agreed: false,
  };
  const billedAll = history(
    draft('p1', '2026-05-31', 400_000, 600_000),
    issue('p1', 'INV-2026-00001', '2026-06-03'),
    complete,
  );

  it('bills the retainage held (line 5 of the last application) plus its tax, and then holds none', () => {
    const events = history(
      draft('p1', '2026-05-31', 400_000, 600_000),
      issue('p1', 'INV-2026-00001', '2026-06-03'),
      complete,
      release,
      issue('r1', 'INV-2026-00002', '2026-07-02'),
    );
    expect(events.find((e) => e.type === 'RetainageReleaseDrafted')?.data).toMatchObject({
      amount: 50_000,
      tax: 3_500,
      total: 53_500,
    });
    expect(billingFigures(ledgerOf(events))).toMatchObject({
      retainageHeld: 0,
      completedAndStoredToDate: 1_000_000,
      billedNet: 1_000_000,
    });
  });

  it('needs completion or an agreement, no pending draft, retainage held, and only once', () => {
    spec(
      history(
        draft('p1', '2026-05-31', 400_000, 600_000),
        issue('p1', 'INV-2026-00001', '2026-06-03'),
      ),
    )
      .when(release)
      .thenThrows(IllegalStateError, /when the contract is completed/);
    expect(
      spec(
        history(
          draft('p1', '2026-05-31', 400_000, 600_000),
          issue('p1', 'INV-2026-00001', '2026-06-03'),
        ),
      )
        .when({ ...release, agreed: true })
        .events(),
    ).toHaveLength(1);
    spec(history(draft('p1', '2026-05-31', 400_000, 600_000), complete))
      .when(release)
      .thenThrows(IllegalStateError, /still in draft/);
    spec(history(complete))
      .when(release)
      .thenThrows(RuleViolation, /zero amount is never invoiced/);
    spec([...billedAll, ...spec(billedAll).when(release).events()])
      .when({ ...release, invoiceId: 'r2' })
      .thenThrows(IllegalStateError, /already billed/);
  });

  it('as a policy, drafts the release only once it is due, and otherwise does nothing', () => {
    const due: LedgerCommand = { type: 'ReleaseRetainageWhenDue', invoiceId: 'r1' };
    const billed = history(
      draft('p1', '2026-05-31', 400_000, 600_000),
      issue('p1', 'INV-2026-00001', '2026-06-03'),
    );
    spec(billed).when(due).then([]);
    spec(history(draft('p1', '2026-05-31', 400_000, 600_000), complete))
      .when(due)
      .then([]);
    spec(history(complete)).when(due).then([]);
    expect(spec(billedAll).when(due).events()).toEqual([
      {
        type: 'RetainageReleaseDrafted',
        data: {
          contractId,
          invoiceId: 'r1',
          releasedOn: '2026-06-30',
          amount: 50_000,
          tax: 3_500,
          total: 53_500,
        },
      },
    ]);
    spec([...billedAll, ...spec(billedAll).when(due).events()])
      .when({ ...due, invoiceId: 'r2' })
      .then([]);
  });

  it('dates the release from the ledger, in whatever order the completion and the last issue reach it', () => {
    // Completed on 06-30 while the last pay application was a draft, issued on 07-05: due on 07-05.
    const issuedAfter = history(
      draft('p1', '2026-05-31', 400_000, 600_000),
      complete,
      issue('p1', 'INV-2026-00001', '2026-07-05'),
    );
    const fromCompletion = spec(issuedAfter)
      .when({ type: 'DraftRetainageRelease', invoiceId: 'r1', agreed: false })
      .events();
    const fromIssue = spec(issuedAfter)
      .when({ type: 'ReleaseRetainageWhenDue', invoiceId: 'r1' })
      .events();
    expect([fromCompletion, fromIssue]).toEqual([
      [expect.objectContaining({ data: expect.objectContaining({ releasedOn: '2026-07-05' }) })],
      [expect.objectContaining({ data: expect.objectContaining({ releasedOn: '2026-07-05' }) })],
    ]);
    // Asked for by staff: on the due date or later, never before.
    expect(
      spec(issuedAfter)
        .when({
          type: 'DraftRetainageRelease',
          invoiceId: 'r1',
          releasedOn: '2026-07-06',
          agreed: false,
        })
        .events()[0].data,
    ).toMatchObject({
      releasedOn: '2026-07-06',
    });
    spec(issuedAfter)
      .when({
        type: 'DraftRetainageRelease',
        invoiceId: 'r1',
        releasedOn: '2026-07-01',
        agreed: false,
      })
      .thenThrows(RuleViolation, /due on 2026-07-05/);
  });

  it('issues an application not before the one it deducts (line 7), nor a release before the application it bills', () => {
    const first = history(
      draft('p1', '2026-01-31', 100_000, 0),
      issue('p1', 'INV-2026-00001', '2026-02-10'),
      draft('p2', '2026-02-05', 300_000, 0),
    );
    // Certified for a period ending before the first was issued, issued before it: refused.
    spec(first)
      .when(issue('p2', 'INV-2026-00002', '2026-02-06'))
      .thenThrows(
        RuleViolation,
        /^the issue date 2026-02-06 is before pay application 1 \(INV-2026-00001\) issued on 2026-02-10, which this pay application deducts \(G702 line 7\)$/,
      );
    expect(
      spec(first)
        .when(issue('p2', 'INV-2026-00002', '2026-02-10'))
        .events(),
    ).toHaveLength(1);
  });

  it('bills work certified after an issued release: line 5 holds back only what the release left, line 7 counts the release', () => {
    const released = history(
      draft('p1', '2026-05-31', 400_000, 500_000),
      issue('p1', 'INV-2026-00001', '2026-06-03'),
      complete,
      release,
      issue('r1', 'INV-2026-00002', '2026-07-02'),
    );
    // Certified late, for June (before the completion): 100,000 more work, retainage 5%.
    const late = spec(released)
      .when(draft('p2', '2026-06-30', 400_000, 600_000))
      .events();
    expect(late.map((event) => event.type)).toEqual(['WorkCertified', 'PayApplicationDrafted']);
    expect(late[1].data).toMatchObject({
      amount: 95_000,
      g702: {
        totalCompletedAndStoredToDate: 1_000_000,
        retainageOnCompletedWork: 50_000,
        retainageReleased: 45_000,
        totalRetainage: 5_000,
        totalEarnedLessRetainage: 995_000,
        lessPreviousCertificates: 900_000,
        currentPaymentDue: 95_000,
      },
    });
    // Line 5c counts the release: the application is not dated before it.
    spec([...released, ...late])
      .when(issue('p2', 'INV-2026-00003', '2026-07-01'))
      .thenThrows(
        RuleViolation,
        /before the retainage release INV-2026-00002 issued on 2026-07-02/,
      );
    const billed = [
      ...released,
      ...late,
      ...spec([...released, ...late])
        .when(issue('p2', 'INV-2026-00003', '2026-07-03'))
        .events(),
    ];
    expect(billingFigures(ledgerOf(billed))).toMatchObject({ retainageHeld: 5_000 });
    // The rest is released when due, and everything is billed once.
    const again = spec(billed).when({ type: 'ReleaseRetainageWhenDue', invoiceId: 'r2' }).events();
    expect(again[0].data).toMatchObject({ amount: 5_000, tax: 350 });
    const all = [
      ...billed,
      ...again,
      ...spec([...billed, ...again])
        .when(issue('r2', 'INV-2026-00004', '2026-07-04'))
        .events(),
    ];
    expect(billingFigures(ledgerOf(all))).toMatchObject({
      retainageHeld: 0,
      completedAndStoredToDate: 1_000_000,
      billedNet: 1_000_000,
    });
  });

  it('after an agreed release, a lower step in force takes nothing back and later work is held back again', () => {
    const agreed: LedgerCommand = { ...release, agreed: true, releasedOn: '2026-05-10' };
    const events = history(
      draft('p1', '2026-04-30', 200_000, 200_000),
      issue('p1', 'INV-2026-00001', '2026-05-02'),
      agreed,
      issue('r1', 'INV-2026-00002', '2026-05-10'),
      draft('p2', '2026-05-31', 400_000, 300_000),
      issue('p2', 'INV-2026-00003', '2026-06-02'),
      draft('p3', '2026-06-30', 400_000, 600_000),
      issue('p3', 'INV-2026-00004', '2026-07-02'),
      complete,
      { type: 'ReleaseRetainageWhenDue', invoiceId: 'r2' },
      issue('r2', 'INV-2026-00005', '2026-07-03'),
    );
    const invoices = ledgerOf(events).invoices;
    expect(invoices.map(({ invoiceId, amount }) => [invoiceId, amount])).toEqual([
      ['p1', 360_000],
      ['r1', 40_000],
      // 70% complete, 5%: 35,000 by the schedule, 40,000 released already: none held.
      ['p2', 300_000],
      ['p3', 290_000],
      ['r2', 10_000],
    ]);
    expect(invoices[2].g702).toMatchObject({ retainageReleased: 40_000, totalRetainage: 0 });
    expect(invoices[3].g702).toMatchObject({
      retainageReleased: 40_000,
      totalRetainage: 10_000,
      lessPreviousCertificates: 700_000,
    });
    expect(billingFigures(ledgerOf(events))).toMatchObject({
      retainageHeld: 0,
      billedNet: 1_000_000,
    });
  });

  it('withdraws a release still in draft when work becomes billable again, and drafts it again once that work is issued', () => {
    // Certified after completion, for a period before it: 100,000 more of B.
    const drafted = history(
      draft('p1', '2026-05-31', 400_000, 500_000),
      issue('p1', 'INV-2026-00001', '2026-06-03'),
      complete,
      release,
    );
    const certified = spec(drafted)
      .when(draft('p2', '2026-06-30', 400_000, 600_000))
      .events();
    expect(certified.slice(1)).toEqual([
      {
        type: 'PayApplicationWithdrawn',
        data: {
          contractId,
          invoiceId: 'r1',
          reason: expect.stringMatching(/drafted again once that work is issued/),
        },
      },
      expect.objectContaining({
        type: 'PayApplicationDrafted',
        data: expect.objectContaining({ invoiceId: 'p2', amount: 95_000 }),
      }),
    ]);
    const [again] = spec([
      ...drafted,
      ...certified,
      ...spec([...drafted, ...certified])
        .when(issue('p2', 'INV-2026-00002', '2026-07-03'))
        .events(),
    ])
      .when({ type: 'ReleaseRetainageWhenDue', invoiceId: 'r2' })
      .events();
    // Line 5 of the new last application: 5% of 1,000,000 (the second step), all of it released
    // now.
    expect(again.data).toMatchObject({ invoiceId: 'r2', amount: 50_000 });
  });

  it('withdraws a release still in draft when the application it bills is voided, and drafts that work again', () => {
    const drafted = history(
      draft('p1', '2026-05-31', 400_000, 600_000),
      issue('p1', 'INV-2026-00001', '2026-06-03'),
      complete,
      release,
    );
    const voided = spec(drafted)
      .when({
        type: 'VoidInvoice',
        invoiceId: 'p1',
        voidedOn: '2026-06-04',
        reason: 'wrong',
        redraftInvoiceId: 'p2',
      })
      .events();
    expect(voided.map((event) => event.type)).toEqual([
      'InvoiceVoided',
      'PayApplicationWithdrawn',
      'PayApplicationDrafted',
    ]);
    expect(billingFigures(ledgerOf([...drafted, ...voided]))).toMatchObject({
      retainageHeld: 0,
      completedAndStoredToDate: 0,
    });
    expect(
      ledgerOf([...drafted, ...voided])
        .invoices.filter((invoice) => invoice.status === 'draft')
        .map((invoice) => invoice.invoiceId),
    ).toEqual(['p2']);
  });
});

describe('a release and the work around it', () => {
  const complete: LedgerCommand = {
    type: 'RecordContractPhase',
    phase: 'completed',
    on: '2026-06-30',
  };
  const release: LedgerCommand = {
    type: 'DraftRetainageRelease',
    invoiceId: 'r1',
    releasedOn: '2026-07-01',
    agreed: false,
  };

  it('voiding an issued release recomputes the pay application drafted after it; once that is issued, the release stands', () => {
    const released = history(
      draft('p1', '2026-05-31', 400_000, 500_000),
      issue('p1', 'INV-2026-00001', '2026-06-03'),
      complete,
      release,
      issue('r1', 'INV-2026-00002', '2026-07-02'),
      draft('p2', '2026-06-30', 400_000, 600_000),
    );
    const voidRelease: LedgerCommand = {
      type: 'VoidInvoice',
      invoiceId: 'r1',
      voidedOn: '2026-07-03',
      reason: 'released too early',
      redraftInvoiceId: 'p3',
    };
    const voided = spec(released).when(voidRelease).events();
    expect(voided.map((event) => event.type)).toEqual(['InvoiceVoided', 'PayApplicationDrafted']);
    expect(voided[1].data).toMatchObject({
      invoiceId: 'p2',
      periodEnd: '2026-06-30',
      amount: 95_000,
      g702: { totalRetainage: 50_000, lessPreviousCertificates: 855_000 },
    });
    expect((voided[1].data as { g702: object }).g702).not.toHaveProperty('retainageReleased');
    spec([
      ...released,
      ...spec(released)
        .when(issue('p2', 'INV-2026-00003', '2026-07-03'))
        .events(),
    ])
      .when(voidRelease)
      .thenThrows(RuleViolation, /builds on it/);
    spec(released.slice(0, -2))
      .when({ ...voidRelease, invoiceId: 'p1' })
      .thenThrows(RuleViolation, /only the latest pay application/);
  });

  it('a void of the application a release draft bills withdraws it, even when nothing is drafted again', () => {
    // p2 issued, then a correction below p2 certified (refused: line 8 would be negative), then the release drafted from p2.
    const events = history(
      draft('p1', '2026-04-30', 200_000, 300_000),
      issue('p1', 'INV-2026-00001', '2026-05-02'),
      draft('p2', '2026-05-31', 400_000, 600_000),
      issue('p2', 'INV-2026-00002', '2026-06-03'),
      draft('p3', '2026-06-30', 100_000, 100_000),
      complete,
      release,
    );
    const voided = spec(events)
      .when({
        type: 'VoidInvoice',
        invoiceId: 'p2',
        voidedOn: '2026-07-02',
        reason: 'wrong',
        redraftInvoiceId: 'p4',
      })
      .events();
    expect(voided.slice(0, 2).map((event) => event.type)).toEqual([
      'InvoiceVoided',
      'PayApplicationWithdrawn',
    ]);
    expect(voided[1].data).toMatchObject({
      invoiceId: 'r1',
      reason: expect.stringMatching(/drafted again once that work is issued/),
    });
    expect(
      ledgerOf([...events, ...voided]).invoices.some(
        (invoice) => invoice.kind === 'retainage-release',
      ),
    ).toBe(false);
  });
});

describe('numbering', () => {
  const numbering = specFor(numberingDecider);
  const reserve = (documentId: string) => ({
    type: 'ReserveNumber' as const,
    series: 'invoice' as const,
    documentId,
    contractId,
    issueDate: '2026-02-03',
    completion: { type: 'IssueInvoice' as const, invoiceId: documentId, issueDate: '2026-02-03' },
  });
  it('gives the next number once per document, gapless from 1', () => {
    const first = numbering([]).when(reserve('a')).events();
    expect(first[0].data).toMatchObject({ number: 'INV-2026-00001', sequence: 1 });
    expect(numbering(first).when(reserve('b')).events()[0].data).toMatchObject({
      number: 'INV-2026-00002',
    });
    numbering(first).when(reserve('a')).then([]);
    numbering([])
      .when({ ...reserve('a'), issueDate: '2026-13-01' })
      .thenThrows(ValidationError);
  });
  it('voids a number its document could not take once, unused: the document later gets the next number', () => {
    const reserved = numbering([]).when(reserve('a')).events();
    const voidA = {
      type: 'VoidNumber' as const,
      series: 'invoice' as const,
      number: 'INV-2026-00001',
      documentId: 'a',
      contractId,
      reason: 'invoice is withdrawn; only a draft can be issued',
    };
    const voided = [...reserved, ...numbering(reserved).when(voidA).events()];
    expect(voided.at(-1)).toEqual({
      type: 'NumberVoided',
      data: {
        series: 'invoice',
        number: 'INV-2026-00001',
        documentId: 'a',
        contractId,
        reason: 'invoice is withdrawn; only a draft can be issued',
      },
    });
    numbering(voided).when(voidA).then([]);
    numbering(reserved)
      .when({ ...voidA, number: 'INV-2026-00002' })
      .then([]);
    const again = numbering(voided).when(reserve('a')).events();
    expect(again[0].data).toMatchObject({ number: 'INV-2026-00002', sequence: 2 });
    // A redelivered void of the first number leaves the second one alone.
    numbering([...voided, ...again])
      .when(voidA)
      .then([]);
  });
  it('folds a year of reservations in linear time: the map of reserved numbers is not copied per event', () => {
    const events = Array.from({ length: 1_000 }, (_, index) => ({
      type: 'NumberReserved' as const,
      data: {
        ...reserve(`d${index}`),
        year: 2026,
        sequence: index + 1,
        number: `INV-2026-${String(index + 1).padStart(5, '0')}`,
      },
    }));
    const copies = new Set<unknown>();
    const state = events.reduce((current, event) => {
      const next = numberingDecider.evolve(current, event);
      copies.add(next.reserved);
      return next;
    }, numberingDecider.initialState);
    expect(copies.size).toBeLessThanOrEqual(1_000 / 64 + 1);
    expect(reservedNumber(state, 'd0')).toBe('INV-2026-00001');
    expect(reservedNumber(state, 'd999')).toBe('INV-2026-01000');
    numbering(events).when(reserve('d500')).then([]);
  });
});

describe('a void', () => {
  it('keeps its date and reason on the invoice', () => {
    const issuedOne = history(draft('p1', '2026-01-31', 100_000, 0), issue('p1', 'INV-2026-00001'));
    const voided = [
      ...issuedOne,
      ...spec(issuedOne)
        .when({
          type: 'VoidInvoice',
          invoiceId: 'p1',
          voidedOn: '2026-02-05',
          reason: 'wrong period',
          redraftInvoiceId: 'p1b',
        })
        .events(),
    ];
    expect(ledgerOf(voided).invoices.find((invoice) => invoice.invoiceId === 'p1')).toMatchObject({
      status: 'void',
      voidedOn: '2026-02-05',
      voidReason: 'wrong period',
    });
  });
});

describe('every other ledger refusal', () => {
  const issuedOne = history(draft('p1', '2026-01-31', 100_000, 0), issue('p1', 'INV-2026-00001'));
  const note = {
    type: 'IssueCreditNote' as const,
    creditNoteId: 'cn',
    invoiceId: 'p1',
    number: 'CN-2026-00001',
    amount: 100,
    issueDate: '2026-02-10',
    reason: 'x',
  };
  it.each([
    [
      'opening a ledger twice',
      [opened],
      { type: 'OpenLedger', contractId, terms, lines: [], openedOn: '2026-01-05' },
      IllegalStateError,
    ],
    [
      'recording a change order twice',
      [
        ...history({
          type: 'RecordChangeOrder',
          changeOrderId: 'co',
          amount: 5,
          lines: [{ lineId: 'C', item: '3', description: 'x', scheduledValue: 5 }],
        }),
      ],
      {
        type: 'RecordChangeOrder',
        changeOrderId: 'co',
        amount: 5,
        lines: [{ lineId: 'C', item: '3', description: 'x', scheduledValue: 5 }],
      },
      IllegalStateError,
    ],
    [
      'payments on an unknown invoice',
      [opened],
      { type: 'RecordInvoicePayments', invoiceId: 'nope', paid: 1 },
      NotFoundError,
    ],
    ['crediting a draft', history(draft('p1', '2026-01-31', 100_000, 0)), note, IllegalStateError],
    [
      'a credit note id reused under another number',
      [...issuedOne, ...spec(issuedOne).when(note).events()],
      { ...note, number: 'CN-2026-00002' },
      IllegalStateError,
    ],
    [
      'issuing with a date that is not a date',
      history(draft('p1', '2026-01-31', 100_000, 0)),
      { ...issue('p1', 'INV-2026-00001'), issueDate: '2026-02-30' },
      ValidationError,
    ],
    [
      'any command before the ledger is open',
      [],
      { type: 'RecordContractPhase', phase: 'completed', on: '2026-01-01' },
      NotFoundError,
    ],
    [
      'issuing before the period it bills ends',
      history(draft('p1', '2026-01-31', 100_000, 0)),
      issue('p1', 'INV-2020-00001', '2020-01-01'),
      RuleViolation,
    ],
    [
      'issuing the day before the period ends',
      history(draft('p1', '2026-01-31', 100_000, 0)),
      issue('p1', 'INV-2026-00001', '2026-01-30'),
      RuleViolation,
    ],
    [
      'a credit note dated before its invoice',
      issuedOne,
      { ...note, issueDate: '2026-02-02' },
      RuleViolation,
    ],
    [
      'a void dated before the issue',
      issuedOne,
      {
        type: 'VoidInvoice',
        invoiceId: 'p1',
        voidedOn: '2026-02-01',
        reason: 'wrong',
        redraftInvoiceId: 'p1b',
      },
      RuleViolation,
    ],
  ] as const)('refuses %s', (_, given, command, error) => {
    spec([...given] as LedgerEvent[])
      .when(command as never)
      .thenThrows(error);
  });
});
