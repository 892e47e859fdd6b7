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
 * issue. A number its document can no longer take (the draft withdrawn meanwhile by another
 * instance of the service) is voided with the reason, unused: the series keeps every number.
 */
export type NumberingEvent =
  | DomainEvent<
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
    >
  | DomainEvent<
      'NumberVoided',
      { series: Series; number: string; documentId: string; contractId: string; reason: string }
    >;
export type NumberingCommand =
  | {
      type: 'ReserveNumber';
      series: Series;
      documentId: string;
      contractId: string;
      issueDate: string;
      completion: Completion;
    }
  | {
      type: 'VoidNumber';
      series: Series;
      number: string;
      documentId: string;
      contractId: string;
      reason: string;
    };
/**
 * The ledger command (without its number) that finishes the issue: replayed if the process died
 * after reserving.
 */
export type Completion =
  | { type: 'IssueInvoice'; invoiceId: string; issueDate: string; reviewedTotal?: number }
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
    switch (event.type) {
      case 'NumberReserved': {
        const recent = { ...state.recent, [event.data.documentId]: event.data.number };
        if (Object.keys(recent).length < MERGE_AT)
          return { last: event.data.sequence, reserved: state.reserved, recent };
        return {
          last: event.data.sequence,
          reserved: { ...state.reserved, ...recent },
          recent: {},
        };
      }
      case 'NumberVoided':
        // The document is free to be issued later, under a new number.
        return {
          last: state.last,
          reserved: without(state.reserved, event.data.documentId),
          recent: without(state.recent, event.data.documentId),
        };
      default:
        return assertNever(event);
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'ReserveNumber':
        return reserve(command, state);
      case 'VoidNumber':
        return voidNumber(command, state);
      default:
        return assertNever(command);
    }
  },
};

function reserve(
  command: Extract<NumberingCommand, { type: 'ReserveNumber' }>,
  state: NumberSeries,
): NumberingEvent[] {
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
}

/** Once: a number voided already, or not the document's now, is left as it is. */
function voidNumber(
  {
    series,
    number,
    documentId,
    contractId,
    reason,
  }: Extract<NumberingCommand, { type: 'VoidNumber' }>,
  state: NumberSeries,
): NumberingEvent[] {
  if (reservedNumber(state, documentId) !== number) return [];
  return [{ type: 'NumberVoided', data: { series, number, documentId, contractId, reason } }];
}

const without = (numbers: Record<string, string>, documentId: string): Record<string, string> => {
  if (!(documentId in numbers)) return numbers;
  const { [documentId]: _voided, ...rest } = numbers;
  return rest;
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
