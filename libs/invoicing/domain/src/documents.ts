import { splitByWeights, sum } from '@billing/shared/kernel';
import {
  evolve,
  findInvoice,
  initialState,
  lastIssuedApplication,
  type CreditNote,
  type Invoice,
  type Ledger,
  type LedgerState,
} from './ledger';
import type { LedgerEvent, LedgerTerms } from './ledger.events';

/** Additions and deductions (each a positive amount) of approved change orders. */
export interface ChangeOrderTotals {
  additions: number;
  deductions: number;
}

/**
 * The G702 change order summary: the change orders in the application's line 2, split by whether
 * the previous application's line 2 already held them. `netChange` equals line 2.
 */
export interface ChangeOrderSummary {
  previous: ChangeOrderTotals;
  thisPeriod: ChangeOrderTotals;
  totals: ChangeOrderTotals;
  netChange: number;
}

/** What every document of a contract shows: its terms as the ledger was opened with them. */
export interface DocumentHeader {
  contractId: string;
  terms: LedgerTerms;
  /** The business date the ledger was opened (the contract's activation). */
  contractDate: string;
}

export type IssuedInvoice = Invoice & {
  status: 'issued';
  number: string;
  issueDate: string;
  dueDate: string;
};

export type InvoiceDocument =
  | (DocumentHeader & {
      kind: 'pay-application';
      invoice: IssuedInvoice;
      changeOrders: ChangeOrderSummary;
    })
  /**
   * `application`: the pay application whose line 5 the release bills (DOMAIN.md "Retainage
   * release"); `releasedByLine`: what it releases of each of that application's G703 lines.
   */
  | (DocumentHeader & {
      kind: 'retainage-release';
      invoice: IssuedInvoice;
      application?: Invoice;
      releasedByLine: number[];
    });

export interface CreditNoteDocument extends DocumentHeader {
  creditNote: CreditNote;
  /**
   * The invoice it credits, as it stood just before: `credited` is what earlier credit notes took.
   */
  invoice: Invoice;
}

/** The ledger folded event by event, with what the documents need that the ledger does not keep. */
interface Trace {
  ledger: LedgerState;
  contractDate: string;
  changeOrders: number[];
  /**
   * Per pay application: how many change orders its line 2 holds, and the application its line 7 is
   * from.
   */
  drafted: Map<string, { changeOrders: number; previous?: string }>;
  released: Map<string, Invoice | undefined>;
}

function step(trace: Trace, event: LedgerEvent): void {
  const before = trace.ledger.status === 'open' ? trace.ledger : undefined;
  if (event.type === 'LedgerOpened') trace.contractDate = event.data.openedOn;
  if (event.type === 'ChangeOrderRecorded') trace.changeOrders.push(event.data.amount);
  // A draft is computed on the ledger just before it (decide.ts redraft): its line 2 holds every
  // change order so far.
  if (event.type === 'PayApplicationDrafted' && before)
    trace.drafted.set(event.data.invoiceId, {
      changeOrders: trace.changeOrders.length,
      previous: lastIssuedApplication(before)?.invoiceId,
    });
  if (event.type === 'RetainageReleaseDrafted' && before)
    trace.released.set(event.data.invoiceId, lastIssuedApplication(before));
  trace.ledger = evolve(trace.ledger, event);
}

/**
 * Folds `events` up to and including the first that `last` names: the ledger as of that event,
 * later events ignored.
 */
function traceUntil(
  events: readonly LedgerEvent[],
  last: (event: LedgerEvent) => boolean,
): (Trace & { ledger: Ledger }) | undefined {
  const trace: Trace = {
    ledger: initialState,
    contractDate: '',
    changeOrders: [],
    drafted: new Map(),
    released: new Map(),
  };
  for (const event of events) {
    step(trace, event);
    if (last(event))
      return trace.ledger.status === 'open' ? (trace as Trace & { ledger: Ledger }) : undefined;
  }
  return undefined;
}

const totalsOf = (amounts: number[]): ChangeOrderTotals => ({
  additions: sum(amounts.filter((amount) => amount > 0)),
  deductions: sum(amounts.filter((amount) => amount < 0).map((amount) => -amount)),
});

function changeOrderSummary(trace: Trace, invoiceId: string): ChangeOrderSummary {
  const drafted = trace.drafted.get(invoiceId);
  const included = trace.changeOrders.slice(0, drafted?.changeOrders ?? 0);
  const previous =
    drafted?.previous === undefined ? 0 : (trace.drafted.get(drafted.previous)?.changeOrders ?? 0);
  return {
    previous: totalsOf(included.slice(0, previous)),
    thisPeriod: totalsOf(included.slice(previous)),
    totals: totalsOf(included),
    netChange: sum(included),
  };
}

/**
 * The invoice as it was issued: the ledger's events up to its InvoiceIssued, whatever came after
 * (payments, credit notes, a void). Undefined while it is not issued.
 */
export function invoiceDocumentOf(
  events: readonly LedgerEvent[],
  invoiceId: string,
): InvoiceDocument | undefined {
  const trace = traceUntil(events, issueOf(invoiceId));
  const invoice = trace && (findInvoice(trace.ledger, invoiceId) as IssuedInvoice | undefined);
  if (!trace || !invoice) return undefined;
  const header = {
    contractId: trace.ledger.contractId,
    terms: trace.ledger.terms,
    contractDate: trace.contractDate,
  };
  if (invoice.kind === 'retainage-release')
    return {
      ...header,
      kind: 'retainage-release',
      invoice,
      application: trace.released.get(invoiceId),
      releasedByLine: releasedByLine(trace, invoice),
    };
  return {
    ...header,
    kind: 'pay-application',
    invoice,
    changeOrders: changeOrderSummary(trace, invoiceId),
  };
}

/**
 * What a release takes from each G703 line of its application: what the line still holds, its
 * column I less what the releases issued before took from it, each of them split the same way in
 * turn (largest remainder, DOMAIN.md "Money"). A release bills line 5, which is column I's total
 * less those releases (line 5c), so each line gives what it holds and never more. A release of all
 * that is held gives each line exactly that, a deduction's negative retainage included; a part of
 * it is split over the lines that hold some.
 */
function releasedByLine(trace: Trace & { ledger: Ledger }, release: Invoice): number[] {
  const releases = trace.ledger.invoices.filter(
    (invoice) =>
      invoice.kind === 'retainage-release' &&
      (invoice.status === 'issued' || invoice.invoiceId === release.invoiceId),
  );
  const taken = new Map<string, number>();
  let parts: number[] = [];
  for (const { invoiceId, amount } of releases) {
    const lines = trace.released.get(invoiceId)?.g703 ?? [];
    const held = lines.map((line) => line.retainage - (taken.get(line.lineId) ?? 0));
    parts =
      amount === 0 || lines.length === 0
        ? held.map(() => 0)
        : amount === sum(held)
          ? held
          : splitByWeights(
              amount,
              held.map((part) => Math.max(part, 0)),
            );
    lines.forEach((line, i) => taken.set(line.lineId, (taken.get(line.lineId) ?? 0) + parts[i]));
    if (invoiceId === release.invoiceId) break;
  }
  return parts;
}

/** The event that issued the invoice: its document is the ledger folded up to it. */
export const issueOf =
  (invoiceId: string) =>
  (event: LedgerEvent): boolean =>
    event.type === 'InvoiceIssued' && event.data.invoiceId === invoiceId;

/** The event that issued the credit note. */
export const creditNoteIssueOf =
  (creditNoteId: string) =>
  (event: LedgerEvent): boolean =>
    event.type === 'CreditNoteIssued' && event.data.creditNoteId === creditNoteId;

/** The credit note as it was issued, with the invoice it credits as it stood just before. */
export function creditNoteDocumentOf(
  events: readonly LedgerEvent[],
  creditNoteId: string,
): CreditNoteDocument | undefined {
  const trace = traceUntil(events, creditNoteIssueOf(creditNoteId));
  const creditNote = trace?.ledger.creditNotes.find((note) => note.creditNoteId === creditNoteId);
  const credited = trace && creditNote && findInvoice(trace.ledger, creditNote.invoiceId);
  if (!trace || !creditNote || !credited) return undefined;
  const invoice = { ...credited, credited: credited.credited - creditNote.total };
  return {
    contractId: trace.ledger.contractId,
    terms: trace.ledger.terms,
    contractDate: trace.contractDate,
    creditNote,
    invoice,
  };
}
