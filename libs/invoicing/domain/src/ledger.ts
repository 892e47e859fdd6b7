import { assertNever, sum } from '@billing/shared/kernel';
import type {
  Amounts,
  BillingFigures,
  CertifiedWork,
  ContractLine,
  ContractPhase,
  G702,
  G703Line,
  InvoiceKind,
  LedgerEvent,
  LedgerTerms,
} from './ledger.events';

export interface Invoice extends Amounts {
  invoiceId: string;
  kind: InvoiceKind;
  status: 'draft' | 'issued' | 'void';
  applicationNo?: number;
  periodEnd?: string;
  g702?: G702;
  g703?: G703Line[];
  number?: string;
  issueDate?: string;
  dueDate?: string;
  paid: number;
  credited: number;
  voidedOn?: string;
  voidReason?: string;
}

export interface CreditNote extends Amounts {
  creditNoteId: string;
  invoiceId: string;
  number: string;
  issueDate: string;
  reason: string;
}

export interface Ledger {
  status: 'open';
  contractId: string;
  terms: LedgerTerms;
  lines: ContractLine[];
  netChangeOrders: number;
  phase: ContractPhase;
  /** The business date the contract entered its phase (the completion date, once completed). */
  phaseSince?: string;
  certified: Record<string, CertifiedWork>;
  lastPeriodEnd?: string;
  invoices: Invoice[];
  creditNotes: CreditNote[];
  /**
   * What receivables last said is open on each invoice (ledgers before 2026-11-30 never heard): the
   * account's knowledge, not the invoice's (the API answers it beside the invoice as
   * `openOnAccount`). Less than the total, paid and credited leave when part of it was written off
   * on the account.
   */
  openOnAccount?: Record<string, number>;
}

export type LedgerState = { status: 'none' } | Ledger;

export const initialState: LedgerState = { status: 'none' };

export const findInvoice = (ledger: Ledger, invoiceId: string) =>
  ledger.invoices.find((invoice) => invoice.invoiceId === invoiceId);
export const pendingDraft = (ledger: Ledger, kind: InvoiceKind) =>
  ledger.invoices.find((invoice) => invoice.status === 'draft' && invoice.kind === kind);
export const issued = (ledger: Ledger, kind: InvoiceKind) =>
  ledger.invoices.filter((invoice) => invoice.status === 'issued' && invoice.kind === kind);
export const lastIssuedApplication = (ledger: Ledger) => issued(ledger, 'progress').at(-1);

/**
 * The issued release invoices after the last issued application (drafts come in the order they
 * are issued: a release waits for no pending pay application, and one gives way to new work).
 */
export function releasesSince(ledger: Ledger): Invoice[] {
  const last = lastIssuedApplication(ledger);
  const after = last ? ledger.invoices.indexOf(last) + 1 : 0;
  return ledger.invoices
    .slice(after)
    .filter((invoice) => invoice.kind === 'retainage-release' && invoice.status === 'issued');
}

/** What the releases since the last issued application billed of its line 5. */
export const releasedSince = (ledger: Ledger) =>
  sum(releasesSince(ledger).map((release) => release.amount));

/**
 * What the contract's summary shows: line 4 and 5 of the last issued application, less any release.
 */
export function billingFigures(ledger: Ledger): BillingFigures {
  const last = lastIssuedApplication(ledger)?.g702;
  const live = ledger.invoices.filter((invoice) => invoice.status === 'issued');
  return {
    completedAndStoredToDate: last?.totalCompletedAndStoredToDate ?? 0,
    retainageHeld: Math.max((last?.totalRetainage ?? 0) - releasedSince(ledger), 0),
    billedNet: sum(live.map((invoice) => invoice.amount)),
    billedTax: sum(live.map((invoice) => invoice.tax)),
  };
}

/**
 * The ledger with one invoice changed: what evolve does for an event about it, and what a decision
 * computes its figures on before the event exists.
 */
export function withInvoice(ledger: Ledger, invoiceId: string, change: Partial<Invoice>): Ledger {
  return {
    ...ledger,
    invoices: ledger.invoices.map((invoice) =>
      invoice.invoiceId === invoiceId ? { ...invoice, ...change } : invoice,
    ),
  };
}

export function evolve(state: LedgerState, event: LedgerEvent): LedgerState {
  if (event.type === 'LedgerOpened') {
    const { contractId, terms, lines } = event.data;
    return {
      status: 'open',
      contractId,
      terms,
      lines,
      netChangeOrders: 0,
      phase: 'active',
      certified: {},
      invoices: [],
      creditNotes: [],
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ChangeOrderRecorded':
      return {
        ...state,
        netChangeOrders: state.netChangeOrders + event.data.amount,
        lines: [...state.lines, ...event.data.lines],
      };
    case 'ContractPhaseRecorded':
      return { ...state, phase: event.data.phase, phaseSince: event.data.on };
    case 'WorkCertified': {
      // Own properties whatever the line id (an assignment to `__proto__` would set the prototype).
      const certified = {
        ...state.certified,
        ...Object.fromEntries(event.data.lines.map((line) => [line.lineId, line])),
      };
      return { ...state, certified, lastPeriodEnd: event.data.periodEnd };
    }
    case 'PayApplicationDrafted': {
      const { invoiceId, applicationNo, periodEnd, g702, g703, amount, tax, total } = event.data;
      const draft: Invoice = {
        invoiceId,
        kind: 'progress',
        status: 'draft',
        applicationNo,
        periodEnd,
        g702,
        g703,
        amount,
        tax,
        total,
        paid: 0,
        credited: 0,
      };
      return findInvoice(state, invoiceId)
        ? withInvoice(state, invoiceId, draft)
        : { ...state, invoices: [...state.invoices, draft] };
    }
    case 'PayApplicationWithdrawn':
      return {
        ...state,
        invoices: state.invoices.filter((invoice) => invoice.invoiceId !== event.data.invoiceId),
      };
    case 'PayApplicationRefused':
      return state;
    case 'RetainageReleaseDrafted': {
      const { invoiceId, amount, tax, total, releasedOn } = event.data;
      return {
        ...state,
        invoices: [
          ...state.invoices,
          {
            invoiceId,
            kind: 'retainage-release',
            status: 'draft',
            periodEnd: releasedOn,
            amount,
            tax,
            total,
            paid: 0,
            credited: 0,
          },
        ],
      };
    }
    case 'InvoiceIssued':
      return withInvoice(state, event.data.invoiceId, issuedAs(event.data));
    case 'InvoiceVoided':
      return withInvoice(state, event.data.invoiceId, voidedAs(event.data));
    case 'CreditNoteIssued': {
      const { creditNoteId, invoiceId, number, issueDate, reason, amount, tax, total } = event.data;
      const invoice = findInvoice(state, invoiceId);
      return {
        ...withInvoice(state, invoiceId, { credited: (invoice?.credited ?? 0) + total }),
        creditNotes: [
          ...state.creditNotes,
          { creditNoteId, invoiceId, number, issueDate, reason, amount, tax, total },
        ],
      };
    }
    case 'InvoicePaymentsRecorded': {
      // The change, where recorded, so that a fold of the events dated up to a day (an audit view)
      // sums what was paid by then; in a fold of every event it comes to `paid` all the same.
      const { invoiceId, paid, paidChange, open, openChange } = event.data;
      const before = state.invoices.find((invoice) => invoice.invoiceId === invoiceId)?.paid ?? 0;
      const paidNow = withInvoice(state, invoiceId, {
        paid: paidChange === undefined ? paid : before + paidChange,
      });
      if (open === undefined) return paidNow;
      // As `paid`: by the change where it is recorded, so that a fold dated up to a day adds up
      // what was open by then; in a fold of every event it comes to `open` all the same.
      const openBefore = state.openOnAccount?.[invoiceId];
      const openNow =
        openChange === undefined || openBefore === undefined ? open : openBefore + openChange;
      return { ...paidNow, openOnAccount: { ...state.openOnAccount, [invoiceId]: openNow } };
    }
    default:
      return assertNever(event);
  }
}

/** What issuing changes on an invoice. */
export const issuedAs = ({
  number,
  issueDate,
  dueDate,
}: {
  number: string;
  issueDate: string;
  dueDate: string;
}): Partial<Invoice> => ({
  status: 'issued',
  number,
  issueDate,
  dueDate,
});

/** What voiding changes on an invoice. */
export const voidedAs = ({
  voidedOn,
  reason,
}: {
  voidedOn: string;
  reason: string;
}): Partial<Invoice> => ({ status: 'void', voidedOn, voidReason: reason });
