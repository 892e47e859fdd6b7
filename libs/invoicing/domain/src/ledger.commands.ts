import type { CertifiedWork, ContractLine, ContractPhase, LedgerTerms } from './ledger.events';

export type LedgerCommand =
  | {
      type: 'OpenLedger';
      contractId: string;
      terms: LedgerTerms;
      lines: ContractLine[];
      openedOn: string;
    }
  | { type: 'RecordChangeOrder'; changeOrderId: string; amount: number; lines: ContractLine[] }
  | { type: 'RecordContractPhase'; phase: ContractPhase; on: string }
  /** From certified work; `invoiceId` names the draft if a new one is needed. */
  | {
      type: 'DraftPayApplication';
      invoiceId: string;
      certificationId: string;
      periodEnd: string;
      certifiedOn?: string;
      lines: CertifiedWork[];
    }
  /**
   * Dated `releasedOn` (not before the release is due), or, when none is given, the day it became
   * due.
   */
  | { type: 'DraftRetainageRelease'; invoiceId: string; releasedOn?: string; agreed: boolean }
  /**
   * Policy: draft the release if it is due now (contract completed, no draft pending, retainage
   * held), dated the day it became due; else nothing.
   */
  | { type: 'ReleaseRetainageWhenDue'; invoiceId: string }
  /** `number` comes from the number series, reserved before this command. */
  | {
      type: 'IssueInvoice';
      invoiceId: string;
      number: string;
      issueDate: string;
      /** The total the staff reviewed: the draft is issued only while it still has it. */
      reviewedTotal?: number;
    }
  /**
   * `redraftInvoiceId` names the draft that bills the voided work again, if no draft is pending.
   */
  | {
      type: 'VoidInvoice';
      invoiceId: string;
      voidedOn: string;
      reason: string;
      redraftInvoiceId: string;
    }
  | {
      type: 'IssueCreditNote';
      creditNoteId: string;
      invoiceId: string;
      number: string;
      amount: number;
      issueDate: string;
      reason: string;
    }
  /** `paid` after the change receivables made `on` (a payment's receipt date, a reversal's date). */
  | { type: 'RecordInvoicePayments'; invoiceId: string; paid: number; on?: string; open?: number };
