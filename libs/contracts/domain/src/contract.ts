import { assertNever, sum } from '@billing/shared/kernel';
import type {
  BillingFigures,
  ContractEvent,
  ContractTerms,
  CostReport,
  ScheduleLine,
} from './contract.events';

export type ContractStatus =
  'draft' | 'active' | 'suspended' | 'completed' | 'closed' | 'cancelled';

export interface InvoiceBalance {
  paid: number;
  open: number;
}

export interface Contract {
  status: ContractStatus;
  contractId: string;
  terms: ContractTerms;
  lines: ScheduleLine[];
  changeOrders: { changeOrderId: string; number: string; amount: number; approvedOn: string }[];
  figures: BillingFigures;
  invoices: Record<string, InvoiceBalance>;
  /**
   * Documents invoicing reports issued whose balance receivables has not reported yet (absent when
   * none): until it does, the contract does not know what is open on them.
   */
  notYetOnAccount?: string[];
  completedOn?: string;
  /**
   * When it was activated, and the date of its last change of status (activation, suspension,
   * resumption, completion): what a later one is not dated before.
   */
  activatedOn?: string;
  statusSince?: string;
  /**
   * The job cost reported for each period, by period end (the latest report of a period stands).
   */
  costs: Record<string, CostReport>;
}

export type ContractState = { status: 'none' } | Contract;

export const initialState: ContractState = { status: 'none' };

export const NO_FIGURES: BillingFigures = {
  completedAndStoredToDate: 0,
  retainageHeld: 0,
  billedNet: 0,
  billedTax: 0,
};

export function contractSumToDate(contract: Contract): number {
  return contract.terms.originalSum + sum(contract.changeOrders.map((co) => co.amount));
}

export function scheduledTotal(lines: readonly ScheduleLine[]): number {
  return sum(lines.map((line) => line.scheduledValue));
}

export function evolve(state: ContractState, event: ContractEvent): ContractState {
  if (event.type === 'ContractCreated') {
    const { contractId, terms, lines } = event.data;
    return {
      status: 'draft',
      contractId,
      terms,
      lines,
      changeOrders: [],
      figures: NO_FIGURES,
      invoices: {},
      costs: {},
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ScheduleOfValuesRevised':
      return { ...state, lines: event.data.lines };
    case 'ContractActivated':
      return {
        ...state,
        status: 'active',
        activatedOn: event.data.activatedOn,
        statusSince: event.data.activatedOn,
      };
    case 'ContractResumed':
      return { ...state, status: 'active', statusSince: event.data.resumedOn };
    case 'ChangeOrderApproved': {
      const { changeOrderId, number, amount, approvedOn, lines } = event.data;
      return {
        ...state,
        lines: [...state.lines, ...lines],
        changeOrders: [...state.changeOrders, { changeOrderId, number, amount, approvedOn }],
      };
    }
    case 'ContractSuspended':
      return { ...state, status: 'suspended', statusSince: event.data.suspendedOn };
    case 'ContractCompleted':
      return {
        ...state,
        status: 'completed',
        completedOn: event.data.completedOn,
        statusSince: event.data.completedOn,
      };
    case 'ContractClosed':
      return { ...state, status: 'closed' };
    case 'ContractCancelled':
      return { ...state, status: 'cancelled' };
    case 'BillingFiguresRecorded': {
      const { documentId, document, figures } = event.data;
      const waiting =
        document?.change === 'issued' && !(documentId in state.invoices)
          ? [...(state.notYetOnAccount ?? []), documentId]
          : document?.change === 'voided'
            ? state.notYetOnAccount?.filter((id) => id !== documentId)
            : state.notYetOnAccount;
      return withAwaiting({ ...state, figures }, waiting);
    }
    case 'InvoiceBalanceRecorded': {
      // The change, where recorded, so that a fold of the events dated up to a day (an audit view)
      // sums the balance by then; in a fold of every event it comes to `paid` and `open` all the
      // same.
      const { invoiceId, paid, open, change } = event.data;
      const before = state.invoices[invoiceId] ?? { paid: 0, open: 0 };
      return withAwaiting(
        {
          ...state,
          invoices: {
            ...state.invoices,
            [invoiceId]: change
              ? { paid: before.paid + change.paid, open: before.open + change.open }
              : { paid, open },
          },
        },
        state.notYetOnAccount?.filter((id) => id !== invoiceId),
      );
    }
    case 'CostsReported': {
      const { periodEnd, costToDate, estimatedTotalCost } = event.data;
      return {
        ...state,
        costs: { ...state.costs, [periodEnd]: { periodEnd, costToDate, estimatedTotalCost } },
      };
    }
    default:
      return assertNever(event);
  }
}

/** The documents still awaiting their balance, the key left out when there are none. */
function withAwaiting(contract: Contract, waiting: string[] | undefined): Contract {
  const { notYetOnAccount: _, ...rest } = contract;
  return waiting?.length ? { ...rest, notYetOnAccount: waiting } : rest;
}
