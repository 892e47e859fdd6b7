import type { DomainEvent } from '@billing/shared/kernel';

export interface RetainageStep {
  threshold: number;
  workRate: number;
  materialsRate: number;
}

export interface ContractLine {
  lineId: string;
  item: string;
  description: string;
  scheduledValue: number;
}

export interface LedgerTerms {
  customer: { id: string; name: string; email: string; address: string };
  title: string;
  currency: string;
  originalSum: number;
  retainage: RetainageStep[];
  taxRate: number;
  paymentTermsDays: number;
  poNumber: string;
}

export interface CertifiedWork {
  lineId: string;
  workCompletedToDate: number;
  storedMaterials: number;
}

/** AIA G702 summary, lines 1 to 9. */
export interface G702 {
  originalContractSum: number;
  netChangeByChangeOrders: number;
  contractSumToDate: number;
  totalCompletedAndStoredToDate: number;
  retainageOnCompletedWork: number;
  retainageOnStoredMaterials: number;
  /**
   * Retainage released before this application by release invoices (absent when none): line 5 is
   * 5a + 5b less it.
   */
  retainageReleased?: number;
  totalRetainage: number;
  totalEarnedLessRetainage: number;
  lessPreviousCertificates: number;
  currentPaymentDue: number;
  balanceToFinishIncludingRetainage: number;
  /** The retainage step in force (by percent complete at period end). */
  retainageStep: RetainageStep;
}

/** AIA G703 continuation sheet, one row per schedule line (columns A to I). */
export interface G703Line {
  item: string;
  lineId: string;
  description: string;
  scheduledValue: number;
  fromPreviousApplication: number;
  thisPeriod: number;
  materialsPresentlyStored: number;
  completedAndStoredToDate: number;
  /** G / C in hundredths of a percent, rounded half away from zero (display only). */
  percentComplete: number;
  balanceToFinish: number;
  retainage: number;
  /** Work completed to date (D + E): what the next application's column D will be. */
  workCompletedToDate: number;
}

export interface Amounts {
  amount: number;
  tax: number;
  total: number;
}

/** Who is billed, copied onto the documents other contexts act on. */
export interface BillTo {
  customerId: string;
  customerName: string;
  currency: string;
}

export interface BillingFigures {
  completedAndStoredToDate: number;
  retainageHeld: number;
  billedNet: number;
  billedTax: number;
}

export type InvoiceKind = 'progress' | 'retainage-release';
export type ContractPhase = 'active' | 'suspended' | 'completed';

export type LedgerEvent =
  | DomainEvent<
      'LedgerOpened',
      { contractId: string; terms: LedgerTerms; lines: ContractLine[]; openedOn: string }
    >
  | DomainEvent<
      'ChangeOrderRecorded',
      { contractId: string; changeOrderId: string; amount: number; lines: ContractLine[] }
    >
  | DomainEvent<'ContractPhaseRecorded', { contractId: string; phase: ContractPhase; on: string }>
  /**
   * `certifiedOn`: the customer's certification date (absent on events recorded before it was
   * kept).
   */
  | DomainEvent<
      'WorkCertified',
      {
        contractId: string;
        certificationId: string;
        periodEnd: string;
        certifiedOn?: string;
        lines: CertifiedWork[];
      }
    >
  | DomainEvent<
      'PayApplicationDrafted',
      {
        contractId: string;
        invoiceId: string;
        applicationNo: number;
        periodEnd: string;
        g702: G702;
        g703: G703Line[];
      } & Amounts
    >
  | DomainEvent<
      'PayApplicationWithdrawn',
      { contractId: string; invoiceId: string; reason: string }
    >
  | DomainEvent<
      'PayApplicationRefused',
      { contractId: string; certificationId: string; periodEnd: string; reason: string }
    >
  | DomainEvent<
      'RetainageReleaseDrafted',
      { contractId: string; invoiceId: string; releasedOn: string } & Amounts
    >
  | DomainEvent<
      'InvoiceIssued',
      BillTo & {
        contractId: string;
        invoiceId: string;
        kind: InvoiceKind;
        number: string;
        issueDate: string;
        dueDate: string;
        figures: BillingFigures;
      } & Amounts
    >
  | DomainEvent<
      'InvoiceVoided',
      BillTo & {
        contractId: string;
        invoiceId: string;
        voidedOn: string;
        reason: string;
        figures: BillingFigures;
      }
    >
  | DomainEvent<
      'CreditNoteIssued',
      BillTo & {
        contractId: string;
        creditNoteId: string;
        invoiceId: string;
        number: string;
        issueDate: string;
        reason: string;
      } & Amounts
    >
  | DomainEvent<
      'InvoicePaymentsRecorded',
      {
        contractId: string;
        invoiceId: string;
        /** Paid after the change. */
        paid: number;
        /**
         * The change's business date and how much it moved `paid` (older events have neither): an
         * audit view by date adds up the changes dated on or before it, in whatever order they were
         * recorded (a payment entered late for an earlier receipt).
         */
        on?: string;
        paidChange?: number;
        /** What receivables says is open on the invoice after the change (older events: none). */
        open?: number;
        /**
         * How much the change moved `open`, where an earlier report is known and the change is dated
         * (older events: none): an audit view by date adds these up as it does `paidChange`.
         */
        openChange?: number;
      }
    >;

/**
 * The business date an event is dated (ADR 17): a pay application is dated by the period it bills
 * until it is issued; undefined for an event with no date of its own.
 */
export function ledgerBusinessDate(event: LedgerEvent): string | undefined {
  switch (event.type) {
    case 'LedgerOpened':
      return event.data.openedOn;
    case 'ContractPhaseRecorded':
      return event.data.on;
    case 'WorkCertified':
    case 'PayApplicationDrafted':
    case 'PayApplicationRefused':
      return event.data.periodEnd;
    case 'RetainageReleaseDrafted':
      return event.data.releasedOn;
    case 'InvoiceIssued':
    case 'CreditNoteIssued':
      return event.data.issueDate;
    case 'InvoiceVoided':
      return event.data.voidedOn;
    case 'InvoicePaymentsRecorded':
      return event.data.on;
    case 'ChangeOrderRecorded':
    case 'PayApplicationWithdrawn':
      return undefined;
  }
}
