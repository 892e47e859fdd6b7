import { ledgerDecider, type Ledger, type NumberingEvent } from '@billing/invoicing/domain';
import { decodeLedgerEvent, decodeNumberingEvent } from '@billing/invoicing/feature';
import { InvalidEvent, type RecordedEvent } from '@billing/shared/event-store';
import { fold } from '@billing/shared/kernel';

/**
 * What became of a reserved number: on an issued document, on a voided one (it keeps its number),
 * on a draft, on none yet, or voided unused (its document could no longer take it: `reason`).
 */
export type NumberStatus = 'issued' | 'void' | 'draft' | 'not issued' | 'voided unused';

export interface NumberedDocument {
  sequence: number;
  number: string;
  documentId: string;
  contractId: string;
  issueDate: string;
  document: 'invoice' | 'credit note' | 'none';
  status: NumberStatus;
  /** Why a number was voided unused. */
  reason?: string;
}

export interface Series {
  streamId: string;
  numbers: NumberedDocument[];
  /** Gaps, repeats and numbers not on exactly one document, in words. */
  problems: string[];
}

/** Events of one category, by stream, in the order given. */
export function byStream(
  events: Iterable<RecordedEvent>,
  prefix: string,
): Map<string, RecordedEvent[]> {
  const streams = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    if (!event.streamId.startsWith(prefix)) continue;
    const stream = streams.get(event.streamId);
    if (stream) stream.push(event);
    else streams.set(event.streamId, [event]);
  }
  return streams;
}

/**
 * A stream's events in their current shapes, each checked against its type's schema, or the first
 * that does not fit (the auditor reads what the services read, and folds nothing it cannot read).
 */
export function decodeStream<E>(
  history: readonly RecordedEvent[],
  decode: (recorded: RecordedEvent) => E,
): E[] | InvalidEvent {
  try {
    return history.map(decode);
  } catch (error) {
    if (error instanceof InvalidEvent) return error;
    throw error;
  }
}

/** Each contract's billing ledger, folded from its `billing-` stream, or why it cannot be read. */
export function ledgersOf(events: Iterable<RecordedEvent>): Map<string, Ledger | InvalidEvent> {
  return new Map(
    [...byStream(events, 'billing-')].map(([stream, history]) => {
      const decoded = decodeStream(history, decodeLedgerEvent);
      const ledger =
        decoded instanceof InvalidEvent ? decoded : (fold(ledgerDecider, decoded) as Ledger);
      return [stream.slice('billing-'.length), ledger];
    }),
  );
}

/**
 * Every number series (`numbering-` stream) among the events: each number with its document and
 * status, from the ledgers. With `complete`, a series must run 1, 2, 3… (DOMAIN.md "Numbering"),
 * voided numbers included; each number must be on exactly one document, which holds that number.
 */
export function numberSeries(
  events: RecordedEvent[],
  ledgers: Map<string, Ledger | InvalidEvent>,
  complete = true,
): Series[] {
  return [...byStream(events, 'numbering-')].map(([streamId, history]) => {
    const typed = decodeStream(history, decodeNumberingEvent);
    if (typed instanceof InvalidEvent)
      return { streamId, numbers: [], problems: [`${typed.message}; its series is not checked`] };
    const reservations = typed.flatMap((event) =>
      event.type === 'NumberReserved' ? [event.data] : [],
    );
    const voids = typed.flatMap((event) => (event.type === 'NumberVoided' ? [event.data] : []));
    const problems = voidProblems(streamId, reservations, voids);
    const unused = new Map(voids.map(({ number, reason }) => [number, reason]));
    const numbers = reservations.map((reservation, index) => {
      if (complete && reservation.sequence !== index + 1)
        problems.push(
          `${streamId}: ${reservation.number} has sequence ${reservation.sequence} where ${index + 1} was due (a gap or a repeat)`,
        );
      const ledger = ledgers.get(reservation.contractId);
      return numbered(streamId, reservation, ledger, unused.get(reservation.number), problems);
    });
    return { streamId, numbers, problems };
  });
}

type Reserved = Extract<NumberingEvent, { type: 'NumberReserved' }>['data'];
type Voided = Extract<NumberingEvent, { type: 'NumberVoided' }>['data'];

/** A number voided must be one reserved in the series for that document, and voided once. */
function voidProblems(streamId: string, reservations: Reserved[], voids: Voided[]): string[] {
  const reservedFor = new Map(reservations.map(({ number, documentId }) => [number, documentId]));
  const seen = new Set<string>();
  return voids.flatMap(({ number, documentId }) => {
    const problem =
      reservedFor.get(number) !== documentId
        ? `was never reserved for ${documentId}`
        : seen.has(number)
          ? 'is voided twice'
          : undefined;
    seen.add(number);
    return problem === undefined ? [] : [`${streamId}: ${number} voided unused ${problem}`];
  });
}

/**
 * A reserved number with its document and status: on exactly one document, which holds it, or, if
 * voided unused (`reason`), on none.
 */
function numbered(
  streamId: string,
  { sequence, number, documentId, contractId, issueDate }: Reserved,
  found: Ledger | InvalidEvent | undefined,
  reason: string | undefined,
  problems: string[],
): NumberedDocument {
  if (found instanceof InvalidEvent)
    problems.push(
      `${streamId}: ${number} reserved for ${documentId} is not checked: the ledger of contract ${contractId} cannot be read`,
    );
  const ledger = found instanceof InvalidEvent ? undefined : found;
  const invoice = ledger?.invoices.find((candidate) => candidate.invoiceId === documentId);
  const note = ledger?.creditNotes.find((candidate) => candidate.creditNoteId === documentId);
  const holders =
    (ledger?.invoices.filter((candidate) => candidate.number === number).length ?? 0) +
    (ledger?.creditNotes.filter((candidate) => candidate.number === number).length ?? 0);
  const holds = invoice?.number ?? note?.number;
  if (
    ledger === found &&
    (reason !== undefined ? holders !== 0 : holders !== 1 || holds !== number)
  )
    problems.push(
      `${streamId}: ${number} reserved for ${documentId}${reason === undefined ? '' : ' and voided unused'} is on ${holders} document(s) of contract ${contractId}, and that document holds ${holds ?? 'no number'}`,
    );
  return {
    sequence,
    number,
    documentId,
    contractId,
    issueDate,
    document: invoice ? 'invoice' : note ? 'credit note' : 'none',
    status: statusOf(number, invoice, note !== undefined, reason),
    ...(reason !== undefined && { reason }),
  };
}

function statusOf(
  number: string,
  invoice: Ledger['invoices'][number] | undefined,
  creditNote: boolean,
  reason: string | undefined,
): NumberStatus {
  if (reason !== undefined) return 'voided unused';
  if (creditNote) return 'issued';
  return invoice?.number === number ? invoice.status : 'not issued';
}
