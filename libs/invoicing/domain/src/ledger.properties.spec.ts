import { applyRate, fold, sum } from '@billing/shared/kernel';
import {
  billingFigures,
  invoiceDocumentOf,
  ledgerDecider,
  type G702,
  type G703Line,
  type Ledger,
  type LedgerCommand,
  type LedgerEvent,
} from './index';

/** Deterministic pseudo-random numbers, so a failure can be replayed from its seed. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)) };
}

function run(events: LedgerEvent[], command: LedgerCommand): LedgerEvent[] {
  return [...events, ...ledgerDecider.decide(command, fold(ledgerDecider, events))];
}

/**
 * A random contract billed over random periods to completion, then its retainage released; with
 * `agreedReleases`, a release agreed now and then before completion too.
 */
function billRandomContract(seed: number, materialsAtWorkRate: boolean, agreedReleases = false) {
  const rng = random(seed);
  const lines = Array.from({ length: rng.int(1, 6) }, (_, i) => ({
    lineId: `L${i}`,
    item: `${i + 1}`,
    description: 'line',
    scheduledValue: rng.int(1, 50_000_000),
  }));
  const firstRate = rng.int(0, 1500);
  const secondRate = rng.int(0, firstRate);
  const materials = (workRate: number) => (materialsAtWorkRate ? workRate : rng.int(0, 1500));
  const retainage = [
    { threshold: 0, workRate: firstRate, materialsRate: materials(firstRate) },
    { threshold: rng.int(1, 9999), workRate: secondRate, materialsRate: materials(secondRate) },
  ];
  const terms = {
    customer: { id: 'c', name: 'n', email: 'e@x.example', address: 'a' },
    title: 't',
    currency: 'USD',
    originalSum: sum(lines.map((l) => l.scheduledValue)),
    retainage,
    taxRate: rng.int(0, 1200),
    paymentTermsDays: 30,
    poNumber: '',
  };
  let events: LedgerEvent[] = [
    { type: 'LedgerOpened', data: { contractId: 'k', terms, lines, openedOn: '2026-01-01' } },
  ];
  const percent = lines.map(() => 0);
  const stored = lines.map(() => 0);
  const work = lines.map(() => 0);
  const periods = rng.int(1, 8);
  for (let period = 1; period <= periods; period++) {
    const last = period === periods;
    const certified = lines.map((line, i) => {
      percent[i] = last ? 10_000 : Math.min(10_000, percent[i] + rng.int(0, 3000));
      const done = applyRate(line.scheduledValue, percent[i]);
      // Stored materials only leave storage into the work, and never exceed what is left of the
      // line.
      const leftInStorage = Math.max(0, stored[i] - (done - work[i]));
      stored[i] = last
        ? 0
        : rng.int(Math.min(leftInStorage, line.scheduledValue - done), line.scheduledValue - done);
      work[i] = done;
      return { lineId: line.lineId, workCompletedToDate: done, storedMaterials: stored[i] };
    });
    const invoiceId = `p${period}`;
    events = run(events, {
      type: 'DraftPayApplication',
      invoiceId,
      certificationId: `c${period}`,
      periodEnd: `2026-${String(period).padStart(2, '0')}-28`,
      lines: certified,
    });
    const draft = (fold(ledgerDecider, events) as Ledger).invoices.find(
      (invoice) => invoice.status === 'draft',
    );
    if (draft)
      events = run(events, {
        type: 'IssueInvoice',
        invoiceId: draft.invoiceId,
        number: `INV-${period}`,
        issueDate: `2026-${String(period).padStart(2, '0')}-28`,
      });
    const held = billingFigures(fold(ledgerDecider, events) as Ledger).retainageHeld;
    if (agreedReleases && !last && held > 0 && rng.next() < 0.4) {
      const on = `2026-${String(period).padStart(2, '0')}-28`;
      events = run(events, {
        type: 'DraftRetainageRelease',
        invoiceId: `a${period}`,
        releasedOn: on,
        agreed: true,
      });
      events = run(events, {
        type: 'IssueInvoice',
        invoiceId: `a${period}`,
        number: `INV-A${period}`,
        issueDate: on,
      });
    }
  }
  events = run(events, { type: 'RecordContractPhase', phase: 'completed', on: '2026-12-01' });
  if (billingFigures(fold(ledgerDecider, events) as Ledger).retainageHeld > 0) {
    events = run(events, {
      type: 'DraftRetainageRelease',
      invoiceId: 'r',
      releasedOn: '2026-12-01',
      agreed: false,
    });
    events = run(events, {
      type: 'IssueInvoice',
      invoiceId: 'r',
      number: 'INV-R',
      issueDate: '2026-12-02',
    });
  }
  return {
    ledger: fold(ledgerDecider, events) as Ledger,
    events,
    contractSum: terms.originalSum,
    taxRate: terms.taxRate,
  };
}

function checkG702(g: G702, g703: G703Line[]) {
  expect(g.contractSumToDate).toBe(g.originalContractSum + g.netChangeByChangeOrders);
  expect(g.totalCompletedAndStoredToDate).toBe(
    sum(g703.map((row) => row.completedAndStoredToDate)),
  );
  const scheduled = g.retainageOnCompletedWork + g.retainageOnStoredMaterials;
  expect(sum(g703.map((row) => row.retainage))).toBe(scheduled);
  expect(g.totalRetainage).toBe(Math.max(scheduled - (g.retainageReleased ?? 0), 0));
  expect(g.totalEarnedLessRetainage).toBe(g.totalCompletedAndStoredToDate - g.totalRetainage);
  expect(g.currentPaymentDue).toBe(g.totalEarnedLessRetainage - g.lessPreviousCertificates);
  expect(g.balanceToFinishIncludingRetainage).toBe(
    g.contractSumToDate - g.totalEarnedLessRetainage,
  );
  for (const row of g703) {
    expect(row.fromPreviousApplication + row.thisPeriod + row.materialsPresentlyStored).toBe(
      row.completedAndStoredToDate,
    );
    expect(row.balanceToFinish).toBe(row.scheduledValue - row.completedAndStoredToDate);
  }
}

/**
 * Each issued application adds up, and its line 7 is every certificate before it: the previous
 * application's line 6 and the releases issued since; released to date is every release before it.
 */
function checkApplications(ledger: Ledger, taxRate: number) {
  const issued = ledger.invoices.filter((invoice) => invoice.status === 'issued');
  let [previous, released] = [0, 0];
  for (const application of issued) {
    if (application.kind === 'retainage-release') {
      previous += application.amount;
      released += application.amount;
      continue;
    }
    checkG702(application.g702!, application.g703!);
    expect(application.g702!.lessPreviousCertificates).toBe(previous);
    expect(application.g702!.retainageReleased ?? 0).toBe(released);
    expect(application.amount).toBeGreaterThan(0);
    expect(application.tax).toBe(applyRate(application.amount, taxRate));
    expect(application.total).toBe(application.amount + application.tax);
    previous = application.g702!.totalEarnedLessRetainage;
  }
}

/**
 * Each issued release's document takes from each G703 line of its application no more than the
 * line still holds (column I less what earlier releases took from it), and its parts sum to it.
 */
function checkReleaseLines(ledger: Ledger, events: LedgerEvent[]) {
  const taken = new Map<string, number>();
  for (const release of ledger.invoices) {
    if (release.kind !== 'retainage-release' || release.status !== 'issued') continue;
    const document = invoiceDocumentOf(events, release.invoiceId);
    if (document?.kind !== 'retainage-release') throw new Error('no release document');
    const lines = document.application!.g703!;
    expect(sum(document.releasedByLine)).toBe(release.amount);
    const held = lines.map((line) => line.retainage - (taken.get(line.lineId) ?? 0));
    lines.forEach((line, i) => {
      // All that is held: each line exactly its part (a deduction's negative one too); a part of
      // it: never more than a line holds.
      if (release.amount === sum(held)) expect(document.releasedByLine[i]).toBe(held[i]);
      else {
        expect(document.releasedByLine[i]).toBeGreaterThanOrEqual(0);
        expect(document.releasedByLine[i]).toBeLessThanOrEqual(Math.max(held[i], 0));
      }
      taken.set(line.lineId, (taken.get(line.lineId) ?? 0) + document.releasedByLine[i]);
    });
  }
}

const seeds = Array.from({ length: 300 }, (_, seed) => seed + 1);

describe('billing ledger properties over random contracts', () => {
  it.each(seeds)(
    'seed %i, materials retained at the work rate: every G702 adds up, applications chain, the contract sum is billed exactly once',
    (seed) => {
      const { ledger, contractSum, taxRate, events } = billRandomContract(seed, true);
      expect(events.filter((event) => event.type === 'PayApplicationRefused')).toEqual([]);
      checkApplications(ledger, taxRate);
      const figures = billingFigures(ledger);
      expect(figures.completedAndStoredToDate).toBe(contractSum);
      expect(figures.retainageHeld).toBe(0);
      expect(figures.billedNet).toBe(contractSum);
      expect(sum(ledger.invoices.filter((i) => i.status === 'issued').map((i) => i.tax))).toBe(
        figures.billedTax,
      );
    },
  );

  it.each(seeds)(
    'seed %i, releases agreed along the way: no retainage is held back twice or paid twice, no line releases more than it holds, the contract sum is billed exactly once',
    (seed) => {
      const { ledger, contractSum, taxRate, events } = billRandomContract(seed, true, true);
      expect(events.filter((event) => event.type === 'PayApplicationRefused')).toEqual([]);
      checkApplications(ledger, taxRate);
      checkReleaseLines(ledger, events);
      const figures = billingFigures(ledger);
      expect(figures.retainageHeld).toBe(0);
      expect(figures.billedNet).toBe(contractSum);
    },
  );

  it.each(seeds)(
    'seed %i, any materials rate: every issued G702 adds up and chains; a refusal is the only way work stays unbilled',
    (seed) => {
      const { ledger, taxRate, events, contractSum } = billRandomContract(seed, false);
      checkApplications(ledger, taxRate);
      const refused = events.some((event) => event.type === 'PayApplicationRefused');
      if (!refused) expect(billingFigures(ledger).billedNet).toBe(contractSum);
    },
  );
});
