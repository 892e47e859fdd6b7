import {
  completeWith,
  findInvoice,
  ledgerDecider,
  ledgerStream,
  numberingDecider,
  reservedNumber,
  type Completion,
  type LedgerState,
  type NumberingEvent,
} from '@billing/invoicing/domain';
import { DomainError } from '@billing/shared/kernel';
import {
  currentState,
  handleCommand,
  uuidFrom,
  withStreamLock,
  type CommandContext,
  type EventStore,
  type RecordedEvent,
  type Snapshots,
} from '@billing/shared/event-store';
import { logger } from '@billing/shared/logging';
import { decodeNumberingEvent } from '../invoicing.events';

type Reservation = Extract<NumberingEvent, { type: 'NumberReserved' }>['data'];

/**
 * A number is reserved before the document is issued. If the process dies in between, this
 * finishes the issue from the reservation, so the number is neither lost nor given twice: it runs
 * over every reservation at boot and live after, and is a no-op for a document that holds its
 * number (issued, or voided since) and for a reservation its series no longer gives the document.
 * It reads the ledger and the series as their commands do (snapshots): the newest events only.
 *
 * An invoice that is no longer on its ledger (another instance of the service withdrew the draft
 * between the reservation and the issue: ADR 3) can never take its number: the number is voided in
 * its series with the reason, so the series stays gapless; so is a credit note's the ledger refuses
 * (it has no draft to keep it for), and a number reserved for a document issued since with another
 * (in another year's series: a retry dated otherwise). An invoice the ledger refuses for now (a
 * rule, a date) keeps its number for its next issue.
 */
export function finishReservedIssue(
  store: EventStore,
  ledgerSnapshots: Snapshots,
  numberingSnapshots: Snapshots,
) {
  return async (recorded: RecordedEvent) => {
    const event = decodeNumberingEvent(recorded);
    if (event.type !== 'NumberReserved') return;
    const { data } = event;
    const context: CommandContext = {
      tenantId: recorded.metadata.tenantId,
      actor: recorded.metadata.actor,
      correlationId: recorded.metadata.correlationId,
      commandId: uuidFrom(`${recorded.id}/finish`),
      now: new Date(recorded.metadata.occurredAt),
    };
    const stream = ledgerStream(data.contractId);
    // Under the ledger's queue: an issue of this document in this process finishes first.
    await withStreamLock(store, stream, async () => {
      const series = await currentState(
        store,
        recorded.streamId,
        numberingDecider,
        context,
        numberingSnapshots,
      );
      if (reservedNumber(series.state, data.documentId) !== data.number) return;
      const { state } = await currentState(store, stream, ledgerDecider, context, ledgerSnapshots);
      if (holds(state, data.documentId, data.number)) return;
      const voidIt = (reason: string) =>
        voidUnused(store, recorded, data, context, numberingSnapshots, reason);
      if (withdrawn(state, data.completion))
        return voidIt(
          `invoice ${data.documentId} is no longer on contract ${data.contractId}: its draft was withdrawn before it was issued`,
        );
      const other = numberOf(state, data.documentId);
      if (other !== undefined)
        return voidIt(
          `${data.documentId} was issued as ${other} (in another year's series: a retry dated otherwise, or another instance)`,
        );
      // As the request that reserved the number: its command id and fingerprint, so the events are
      // the ones it would have appended (a retry of it with its Idempotency-Key finds them its own).
      const request = recorded.metadata.request;
      const asReserved: CommandContext = {
        ...context,
        commandId: recorded.metadata.causationId,
        ...(request ? { request } : {}),
      };
      try {
        const issue = completeWith(data.completion, data.number);
        await handleCommand(store, stream, ledgerDecider, issue, asReserved, ledgerSnapshots);
      } catch (error) {
        if (
          !(error instanceof DomainError) ||
          error.category === 'not_found' ||
          error.category === 'concurrency'
        )
          throw error;
        // A credit note has no draft to keep a number for: refused once its number was reserved
        // (another instance credited the invoice meanwhile), its number is voided unused.
        if (data.completion.type === 'IssueCreditNote')
          return voidIt(
            `credit note ${data.documentId} was refused once its number was reserved: ${error.message}`,
          );
        logger.error(
          `number ${data.number} reserved for ${data.documentId} could not be used: ${error.message}; it stays that document's`,
        );
      }
    });
  };
}

async function voidUnused(
  store: EventStore,
  recorded: RecordedEvent,
  { series, number, documentId, contractId }: Reservation,
  context: CommandContext,
  numberingSnapshots: Snapshots,
  reason: string,
): Promise<void> {
  const { appended } = await handleCommand(
    store,
    recorded.streamId,
    numberingDecider,
    { type: 'VoidNumber', series, number, documentId, contractId, reason },
    { ...context, commandId: uuidFrom(`${recorded.id}/void`) },
    numberingSnapshots,
  );
  if (appended.length > 0) logger.warn(`number ${number} is voided unused: ${reason}`);
}

/** The document has `number`: issued with it, or voided since (it keeps its number). */
function holds(ledger: LedgerState, documentId: string, number: string): boolean {
  return numberOf(ledger, documentId) === number;
}

/** The number the document was issued with, if it was. */
function numberOf(ledger: LedgerState, documentId: string): string | undefined {
  if (ledger.status === 'none') return undefined;
  const note = ledger.creditNotes.find((candidate) => candidate.creditNoteId === documentId);
  return note?.number ?? findInvoice(ledger, documentId)?.number;
}

/** A draft withdrawn leaves the ledger; a credit note is on it only once issued. */
function withdrawn(ledger: LedgerState, completion: Completion): boolean {
  return (
    ledger.status !== 'none' &&
    completion.type === 'IssueInvoice' &&
    findInvoice(ledger, completion.invoiceId) === undefined
  );
}
