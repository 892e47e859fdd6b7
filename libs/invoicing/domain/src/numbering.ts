import type { LedgerCommand } from './ledger.commands';
import {
  assertNever,
  requireDate,
  yearOf,
  type Decider,
  type DomainEvent,
} from '@billing/shared/kernel';

export type Series = 'invoice' | 'credit-note';

/**
 * A number is reserved for one document, once; the reservation keeps what is needed to finish the
 * issue.
 */
export type NumberingEvent = DomainEvent<
  'NumberReserved',
  {
    series: Series;
    year: number;
    sequence: number;
    number: string;
    documentId: string;
    contractId: string;
    issueDate: string;
    completion: Completion;
  }
>;
export type NumberingCommand = {
  type: 'ReserveNumber';
  series: Series;
  documentId: string;
  contractId: string;
  issueDate: string;
  completion: Completion;
};
/**
 * The ledger command (without its number) that finishes the issue: replayed if the process died
 * after reserving.
 */
export type Completion =
  | { type: 'IssueInvoice'; invoiceId: string; issueDate: string }
  | {
      type: 'IssueCreditNote';
      creditNoteId: string;
      invoiceId: string;
      amount: number;
      issueDate: string;
      reason: string;
    };
/**
 * The last sequence and the number each document holds: `reserved` the older ones, `recent` the
 * newest few. Each reservation copies only `recent`; every MERGE_AT they move into `reserved` in
 * one copy, so folding a year of reservations stays linear (copying the year's map per event did
 * not: 10,000 reservations took 43 s).
 */
export interface NumberSeries {
  last: number;
  reserved: Record<string, string>;
  recent: Record<string, string>;
}

const MERGE_AT = 64;
const PREFIX: Record<Series, string> = { invoice: 'INV', 'credit-note': 'CN' };

export const reservedNumber = (state: NumberSeries, documentId: string): string | undefined =>
  state.recent[documentId] ?? state.reserved[documentId];

export const numberingDecider: Decider<NumberingCommand, NumberingEvent, NumberSeries> = {
  initialState: { last: 0, reserved: {}, recent: {} },
  evolve(state, event) {
    if (event.type !== 'NumberReserved') return assertNever(event.type);
    const recent = { ...state.recent, [event.data.documentId]: event.data.number };
    if (Object.keys(recent).length < MERGE_AT)
      return { last: event.data.sequence, reserved: state.reserved, recent };
    return { last: event.data.sequence, reserved: { ...state.reserved, ...recent }, recent: {} };
  },
  decide(command, state) {
    if (command.type !== 'ReserveNumber') return assertNever(command.type);
    if (reservedNumber(state, command.documentId)) return [];
    const year = yearOf(requireDate(command.issueDate, 'issue date'));
    const sequence = state.last + 1;
    const number = `${PREFIX[command.series]}-${year}-${String(sequence).padStart(5, '0')}`;
    return [
      {
        type: 'NumberReserved',
        data: {
          series: command.series,
          year,
          sequence,
          number,
          documentId: command.documentId,
          contractId: command.contractId,
          issueDate: command.issueDate,
          completion: command.completion,
        },
      },
    ];
  },
};

/** One gapless series per tenant, document kind and calendar year of the issue date. */
export const numberingStream = (tenantId: string, series: Series, issueDate: string) =>
  `numbering-${tenantId}.${series}.${yearOf(issueDate)}`;

export function completeWith(
  completion: Completion,
  number: string,
): Extract<LedgerCommand, { type: 'IssueInvoice' | 'IssueCreditNote' }> {
  return { ...completion, number };
}
