import type { BillingFigures, ContractEvent, CostReport } from '@billing/contracts/domain';
import type { RecordedEvent } from '@billing/shared/event-store';
import { sum } from '@billing/shared/kernel';

export const CONTRACT_LEDGERS = 'contract_ledgers_v1';

/**
 * An invoicing document as the ledger keeps it (ADR 20): what it billed, when, and G702 line 4
 * after its issue.
 */
export interface LedgerDocument {
  kind: 'progress' | 'retainage-release';
  issuedOn: string;
  voidedOn?: string;
  amount: number;
  tax: number;
  completedAndStoredToDate: number;
  sequence: number;
}

/** The contract ledger's figures: what finance lists, filters and exports. */
export interface ContractLedgerFigures {
  contractId: string;
  title: string;
  customerId: string;
  customerName: string;
  currency: string;
  status: string;
  originalSum: number;
  netChangeOrders: number;
  contractSumToDate: number;
  completedAndStoredToDate: number;
  billedNet: number;
  billedTax: number;
  billedTotal: number;
  retainageHeld: number;
  retainageReleased: number;
  paid: number;
  outstanding: number;
  remainingToBill: number;
}

/**
 * One document per contract: the figures, and what the WIP schedule reads by date (change orders,
 * documents, costs).
 */
export interface ContractLedgerView extends ContractLedgerFigures {
  figures: BillingFigures;
  changeOrders: { amount: number; approvedOn: string }[];
  documents: Record<string, LedgerDocument>;
  invoices: Record<string, { paid: number; open: number }>;
  costs: Record<string, CostReport & { reportedOn: string }>;
}

const STATUS: Partial<Record<ContractEvent['type'], string>> = {
  ContractActivated: 'active',
  ContractResumed: 'active',
  ContractSuspended: 'suspended',
  ContractCompleted: 'completed',
  ContractClosed: 'closed',
  ContractCancelled: 'cancelled',
};

export function evolveLedger(
  current: ContractLedgerView | undefined,
  event: ContractEvent,
  recorded: RecordedEvent,
): ContractLedgerView {
  if (event.type === 'ContractCreated') return created(event.data);
  if (!current)
    throw new Error(`${event.type} of contract ${event.data.contractId} before its creation`);
  const status = STATUS[event.type];
  if (status) return { ...current, status };
  switch (event.type) {
    case 'ChangeOrderApproved':
      return withFigures({
        ...current,
        changeOrders: [
          ...current.changeOrders,
          { amount: event.data.amount, approvedOn: event.data.approvedOn },
        ],
      });
    case 'BillingFiguresRecorded':
      return withFigures({
        ...current,
        figures: event.data.figures,
        documents: documentsAfter(current, event.data, recorded),
      });
    case 'InvoiceBalanceRecorded':
      return withFigures({
        ...current,
        invoices: {
          ...current.invoices,
          [event.data.invoiceId]: { paid: event.data.paid, open: event.data.open },
        },
      });
    case 'CostsReported': {
      const { periodEnd, costToDate, estimatedTotalCost, reportedOn } = event.data;
      return {
        ...current,
        costs: {
          ...current.costs,
          [periodEnd]: { periodEnd, costToDate, estimatedTotalCost, reportedOn },
        },
      };
    }
    default:
      return current;
  }
}

function created({
  contractId,
  terms,
}: Extract<ContractEvent, { type: 'ContractCreated' }>['data']): ContractLedgerView {
  return withFigures({
    contractId,
    title: terms.title,
    customerId: terms.customer.id,
    customerName: terms.customer.name,
    currency: terms.currency,
    status: 'draft',
    originalSum: terms.originalSum,
    netChangeOrders: 0,
    contractSumToDate: 0,
    completedAndStoredToDate: 0,
    billedNet: 0,
    billedTax: 0,
    billedTotal: 0,
    retainageHeld: 0,
    retainageReleased: 0,
    paid: 0,
    outstanding: 0,
    remainingToBill: 0,
    figures: { completedAndStoredToDate: 0, retainageHeld: 0, billedNet: 0, billedTax: 0 },
    changeOrders: [],
    documents: {},
    invoices: {},
    costs: {},
  });
}

type FiguresData = Extract<ContractEvent, { type: 'BillingFiguresRecorded' }>['data'];

/**
 * The documents after a figures update. One recorded before documents were kept (no `document`) is
 * dated by the day it was recorded (UTC): a known document voided, an unknown one issued as a pay
 * application billing what billedNet and billedTax grew by.
 */
function documentsAfter(
  ledger: ContractLedgerView,
  { documentId, figures, document }: FiguresData,
  recorded: RecordedEvent,
): Record<string, LedgerDocument> {
  const known = ledger.documents[documentId];
  const change =
    document ??
    (known
      ? { change: 'voided' as const, on: recordedDate(recorded) }
      : legacyIssue(ledger, figures, recorded));
  if (change.change === 'voided')
    return known
      ? { ...ledger.documents, [documentId]: { ...known, voidedOn: change.on } }
      : ledger.documents;
  const { kind, on, amount, tax } = change;
  const sequence = Object.keys(ledger.documents).length + 1;
  return {
    ...ledger.documents,
    [documentId]: {
      kind,
      issuedOn: on,
      amount,
      tax,
      completedAndStoredToDate: figures.completedAndStoredToDate,
      sequence,
    },
  };
}

const recordedDate = (recorded: RecordedEvent) => recorded.recordedAt.slice(0, 10);

function legacyIssue(ledger: ContractLedgerView, figures: BillingFigures, recorded: RecordedEvent) {
  const amount = figures.billedNet - ledger.figures.billedNet;
  return {
    change: 'issued' as const,
    kind: 'progress' as const,
    on: recordedDate(recorded),
    amount,
    tax: figures.billedTax - ledger.figures.billedTax,
  };
}

/** The ledger's figures from what it holds (ADR 20 "Contract ledger"). */
function withFigures(ledger: ContractLedgerView): ContractLedgerView {
  const netChangeOrders = sum(ledger.changeOrders.map((order) => order.amount));
  const contractSumToDate = ledger.originalSum + netChangeOrders;
  const { completedAndStoredToDate, retainageHeld, billedNet, billedTax } = ledger.figures;
  const releases = Object.values(ledger.documents).filter(
    (document) => document.kind === 'retainage-release' && document.voidedOn === undefined,
  );
  const balances = Object.values(ledger.invoices);
  return {
    ...ledger,
    netChangeOrders,
    contractSumToDate,
    completedAndStoredToDate,
    billedNet,
    billedTax,
    billedTotal: billedNet + billedTax,
    retainageHeld,
    retainageReleased: sum(releases.map((release) => release.amount)),
    paid: sum(balances.map((balance) => balance.paid)),
    outstanding: sum(balances.map((balance) => balance.open)),
    remainingToBill: contractSumToDate - billedNet,
  };
}

/** The figures alone, as lists and exports show them. */
export function ledgerFigures(view: ContractLedgerFigures): ContractLedgerFigures {
  const {
    contractId,
    title,
    customerId,
    customerName,
    currency,
    status,
    originalSum,
    netChangeOrders,
    contractSumToDate,
    completedAndStoredToDate,
  } = view;
  const {
    billedNet,
    billedTax,
    billedTotal,
    retainageHeld,
    retainageReleased,
    paid,
    outstanding,
    remainingToBill,
  } = view;
  return {
    contractId,
    title,
    customerId,
    customerName,
    currency,
    status,
    originalSum,
    netChangeOrders,
    contractSumToDate,
    completedAndStoredToDate,
    billedNet,
    billedTax,
    billedTotal,
    retainageHeld,
    retainageReleased,
    paid,
    outstanding,
    remainingToBill,
  };
}
