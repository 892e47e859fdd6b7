import type { ContractEvent } from '@billing/contracts/domain';
import { documentProjection } from '@billing/shared/read-models';
import { decodeContractEvent } from '../contracts.events';

export const CONTRACT_SUMMARY = 'contract_summary_v1';

export interface ContractSummary {
  contractId: string;
  title: string;
  customer: { id: string; name: string };
  currency: string;
  status: string;
  originalSum: number;
  netChangeOrders: number;
  contractSumToDate: number;
  completedAndStoredToDate: number;
  billedNet: number;
  billedTax: number;
  retainageHeld: number;
  paid: number;
  outstanding: number;
  /**
   * G703 column I summed: contract sum to date less completed and stored to date (G702 line 3 -
   * line 4).
   */
  balanceToFinish: number;
  /**
   * G702 line 9: contract sum to date less earned less retainage (line 3 - line 6), as of the last
   * issued application.
   */
  balanceToFinishIncludingRetainage: number;
  invoices: Record<string, { paid: number; open: number }>;
}

export function evolveSummary(
  summary: ContractSummary | undefined,
  event: ContractEvent,
): ContractSummary | undefined {
  if (event.type === 'ContractCreated') {
    const { contractId, terms } = event.data;
    return withTotals({
      contractId,
      title: terms.title,
      customer: { id: terms.customer.id, name: terms.customer.name },
      currency: terms.currency,
      status: 'draft',
      originalSum: terms.originalSum,
      netChangeOrders: 0,
      contractSumToDate: 0,
      completedAndStoredToDate: 0,
      billedNet: 0,
      billedTax: 0,
      retainageHeld: 0,
      paid: 0,
      outstanding: 0,
      balanceToFinish: 0,
      balanceToFinishIncludingRetainage: 0,
      invoices: {},
    });
  }
  if (!summary) return summary;
  switch (event.type) {
    case 'ContractActivated':
    case 'ContractResumed':
      return { ...summary, status: 'active' };
    case 'ContractSuspended':
      return { ...summary, status: 'suspended' };
    case 'ContractCompleted':
      return { ...summary, status: 'completed' };
    case 'ContractClosed':
      return { ...summary, status: 'closed' };
    case 'ContractCancelled':
      return { ...summary, status: 'cancelled' };
    case 'ChangeOrderApproved':
      return withTotals({
        ...summary,
        netChangeOrders: summary.netChangeOrders + event.data.amount,
      });
    case 'BillingFiguresRecorded':
      return withTotals({ ...summary, ...event.data.figures });
    case 'InvoiceBalanceRecorded':
      return withTotals({
        ...summary,
        invoices: {
          ...summary.invoices,
          [event.data.invoiceId]: { paid: event.data.paid, open: event.data.open },
        },
      });
    default:
      return summary;
  }
}

function withTotals(summary: ContractSummary): ContractSummary {
  const contractSumToDate = summary.originalSum + summary.netChangeOrders;
  const balances = Object.values(summary.invoices);
  return {
    ...summary,
    contractSumToDate,
    balanceToFinish: contractSumToDate - summary.completedAndStoredToDate,
    balanceToFinishIncludingRetainage:
      contractSumToDate - (summary.completedAndStoredToDate - summary.retainageHeld),
    paid: balances.reduce((total, b) => total + b.paid, 0),
    outstanding: balances.reduce((total, b) => total + b.open, 0),
  };
}

export const contractSummaryProjection = documentProjection<ContractEvent, ContractSummary>({
  name: 'contract-summary',
  version: 1,
  collection: CONTRACT_SUMMARY,
  streamPrefixes: ['contract-'],
  // GET /contracts: by title, optionally by status or customer; a page reads its rows in index
  // order.
  indexes: [{ title: 1 }, { status: 1, title: 1 }, { 'customer.id': 1, title: 1 }],
  decode: decodeContractEvent,
  idOf: (event) => event.data.contractId,
  evolve: (current, event) => evolveSummary(current, event) as ContractSummary,
});
