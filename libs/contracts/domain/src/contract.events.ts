import type { DomainEvent } from '@billing/shared/kernel';

export type BillingBasis = 'progress' | 'milestone';

export interface Customer {
  id: string;
  name: string;
  email: string;
  address: string;
}

/**
 * From `threshold` percent complete on, retainage is `workRate` on work and `materialsRate` on
 * stored materials.
 */
export interface RetainageStep {
  threshold: number;
  workRate: number;
  materialsRate: number;
}

export interface ScheduleLine {
  lineId: string;
  item: string;
  description: string;
  scheduledValue: number;
}

export interface ContractTerms {
  customer: Customer;
  title: string;
  currency: string;
  originalSum: number;
  basis: BillingBasis;
  retainage: RetainageStep[];
  taxRate: number;
  paymentTermsDays: number;
  poNumber: string;
  startDate: string;
}

/** What invoicing and receivables report about this contract's documents. */
export interface BillingFigures {
  completedAndStoredToDate: number;
  retainageHeld: number;
  billedNet: number;
  billedTax: number;
}

/**
 * The invoicing document a figures update follows (ADR 20): its kind, amounts and business date
 * when issued, its date when voided. Events recorded before it was kept have none.
 */
export type BillingDocument =
  | {
      change: 'issued';
      kind: 'progress' | 'retainage-release';
      on: string;
      amount: number;
      tax: number;
    }
  | { change: 'voided'; on: string };

/**
 * Job cost for one period (ADR 20): cost to date and the estimated total cost at completion, in the
 * contract's currency.
 */
export interface CostReport {
  periodEnd: string;
  costToDate: number;
  estimatedTotalCost: number;
}

export type ContractEvent =
  | DomainEvent<
      'ContractCreated',
      { contractId: string; terms: ContractTerms; lines: ScheduleLine[]; createdOn: string }
    >
  | DomainEvent<'ScheduleOfValuesRevised', { contractId: string; lines: ScheduleLine[] }>
  | DomainEvent<
      'ContractActivated',
      { contractId: string; activatedOn: string; terms: ContractTerms; lines: ScheduleLine[] }
    >
  | DomainEvent<
      'ChangeOrderApproved',
      {
        contractId: string;
        changeOrderId: string;
        number: string;
        description: string;
        amount: number;
        approvedOn: string;
        lines: ScheduleLine[];
      }
    >
  | DomainEvent<'ContractSuspended', { contractId: string; suspendedOn: string; reason: string }>
  | DomainEvent<'ContractResumed', { contractId: string; resumedOn: string }>
  | DomainEvent<'ContractCompleted', { contractId: string; completedOn: string }>
  | DomainEvent<'ContractClosed', { contractId: string; closedOn: string }>
  | DomainEvent<'ContractCancelled', { contractId: string; cancelledOn: string; reason: string }>
  | DomainEvent<
      'BillingFiguresRecorded',
      {
        contractId: string;
        documentId: string;
        figures: BillingFigures;
        document?: BillingDocument;
      }
    >
  | DomainEvent<
      'InvoiceBalanceRecorded',
      {
        contractId: string;
        invoiceId: string;
        /** After the change. */
        paid: number;
        open: number;
        /**
         * The change's business date and how much it moved each figure (older events have none): an
         * audit view by date adds up the changes dated on or before it, in whatever order they were
         * recorded.
         */
        on?: string;
        change?: { paid: number; open: number };
      }
    >
  | DomainEvent<'CostsReported', CostReport & { contractId: string; reportedOn: string }>;

/**
 * The business date an event is dated (ADR 17); undefined for one with none of its own: it counts
 * from the day it occurred.
 */
export function contractBusinessDate(event: ContractEvent): string | undefined {
  switch (event.type) {
    case 'ContractCreated':
      // A contract entered after its work started existed from its start date.
      return [event.data.createdOn, event.data.terms.startDate].sort()[0];
    case 'ContractActivated':
      return event.data.activatedOn;
    case 'ChangeOrderApproved':
      return event.data.approvedOn;
    case 'ContractSuspended':
      return event.data.suspendedOn;
    case 'ContractResumed':
      return event.data.resumedOn;
    case 'ContractCompleted':
      return event.data.completedOn;
    case 'ContractClosed':
      return event.data.closedOn;
    case 'ContractCancelled':
      return event.data.cancelledOn;
    case 'CostsReported':
      return event.data.periodEnd;
    case 'BillingFiguresRecorded':
      // The document it follows: its issue or void date (older events name none).
      return event.data.document?.on;
    case 'InvoiceBalanceRecorded':
      return event.data.on;
    case 'ScheduleOfValuesRevised':
      return undefined;
  }
}

/**
 * How the contract's audit views date its events: by `contractBusinessDate`, the creation from the
 * earliest of them (a contract entered after its backdated activation existed from that day).
 */
export const contractDating = { businessDate: contractBusinessDate, firstFromEarliest: true };
