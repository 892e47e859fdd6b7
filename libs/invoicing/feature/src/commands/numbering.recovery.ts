import { completeWith, ledgerDecider, ledgerStream } from '@billing/invoicing/domain';
import { DomainError } from '@billing/shared/kernel';
import {
  handleCommand,
  uuidFrom,
  withStreamLock,
  type EventStore,
  type RecordedEvent,
  type Snapshots,
} from '@billing/shared/event-store';
import { logger } from '@billing/shared/logging';
import { decodeNumberingEvent } from '../invoicing.events';

/**
 * A number is reserved before the document is issued. If the process dies in between, this
 * finishes the issue from the reservation, so the number is neither lost nor given twice: it runs
 * over every reservation at boot and live after, and is a no-op for documents already issued. It
 * reads the ledger as its commands do (`ledgerSnapshots`): the newest events, not the whole stream.
 */
export function finishReservedIssue(store: EventStore, ledgerSnapshots: Snapshots) {
  return async (recorded: RecordedEvent) => {
    const { data } = decodeNumberingEvent(recorded);
    const context = {
      tenantId: recorded.metadata.tenantId,
      actor: recorded.metadata.actor,
      correlationId: recorded.metadata.correlationId,
      commandId: uuidFrom(`${recorded.id}/finish`),
      now: new Date(recorded.metadata.occurredAt),
    };
    try {
      const stream = ledgerStream(data.contractId);
      await withStreamLock(store, stream, () =>
        handleCommand(
          store,
          stream,
          ledgerDecider,
          completeWith(data.completion, data.number),
          context,
          ledgerSnapshots,
        ),
      );
    } catch (error) {
      // A reservation whose document can no longer take it (issued meanwhile under another number)
      // stays a visible gap.
      if (
        !(error instanceof DomainError) ||
        error.category === 'not_found' ||
        error.category === 'concurrency'
      )
        throw error;
      logger.error(
        `number ${data.number} reserved for ${data.documentId} could not be used: ${error.message}`,
      );
    }
  };
}
