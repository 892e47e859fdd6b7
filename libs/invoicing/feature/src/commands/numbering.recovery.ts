import {
  completeWith,
  findInvoice,
  ledgerDecider,
  ledgerStream,
  numberingDecider,
  numberingStream,
  type LedgerState,
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

/**
 * A number is reserved before the document is issued. If the process dies in between, this
 * finishes the issue from the reservation, so the number is neither lost nor given twice: it runs
 * over every reservation at boot and live after, and is a no-op for documents that hold their
 * number (issued, or voided since). It reads the ledger as its commands do (`ledgerSnapshots`):
 * the newest events, not the whole stream.
 *
 * A document that can no longer take its number (another instance of the service withdrew the
 * draft between the reservation and the issue: ADR 3) gets none: the number is voided in its series
 * with the reason, so the series stays gapless and the document can be issued later under a new one.
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
    const context = {
      tenantId: recorded.metadata.tenantId,
      actor: recorded.metadata.actor,
      correlationId: recorded.metadata.correlationId,
      commandId: uuidFrom(`${recorded.id}/finish`),
      now: new Date(recorded.metadata.occurredAt),
    };
    const stream = ledgerStream(data.contractId);
    const refusal = await withStreamLock(store, stream, async () => {
      try {
        const { state } = await currentState(
          store,
          stream,
          ledgerDecider,
          context,
          ledgerSnapshots,
        );
        if (holds(state, data.documentId, data.number)) return undefined;
        const issue = completeWith(data.completion, data.number);
        await handleCommand(store, stream, ledgerDecider, issue, context, ledgerSnapshots);
        return undefined;
      } catch (error) {
        if (!(error instanceof DomainError) || error.category === 'concurrency') throw error;
        return error.message;
      }
    });
    if (refusal === undefined) return;
    await handleCommand(
      store,
      numberingStream(context.tenantId, data.series, data.issueDate),
      numberingDecider,
      { type: 'VoidNumber', ...pick(data), reason: refusal },
      { ...context, commandId: uuidFrom(`${recorded.id}/void`) } satisfies CommandContext,
      numberingSnapshots,
    );
    logger.warn(
      `number ${data.number} reserved for ${data.documentId} is voided unused: ${refusal}`,
    );
  };
}

const pick = ({
  series,
  number,
  documentId,
  contractId,
}: {
  series: 'invoice' | 'credit-note';
  number: string;
  documentId: string;
  contractId: string;
}) => ({ series, number, documentId, contractId });

/** The document has `number`: issued with it, or voided since (it keeps its number). */
function holds(ledger: LedgerState, documentId: string, number: string): boolean {
  if (ledger.status === 'none') return false;
  const note = ledger.creditNotes.find((candidate) => candidate.creditNoteId === documentId);
  return (note?.number ?? findInvoice(ledger, documentId)?.number) === number;
}
