import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  completeWith,
  findInvoice,
  ledgerDecider,
  ledgerStream,
  numberingDecider,
  numberingStream,
  reservedNumber,
  type Completion,
  type LedgerEvent,
  type LedgerState,
} from '@billing/invoicing/domain';
import {
  currentState,
  handleCommand,
  withStreamLock,
  type CommandContext,
  type CommandResult,
  type EventStore,
  type SnapshotStore,
} from '@billing/shared/event-store';
import { deciderCommand, EVENT_STORE, READ_MODELS } from '@billing/shared/nest';
import { readModelSnapshots, type ReadModelStore } from '@billing/shared/read-models';

export const LEDGER_SNAPSHOT = 'ledger.v1';
export const NUMBERING_SNAPSHOT = 'numbering.v2';

export const { Command: ExecuteLedgerCommand, Handler: LedgerCommandHandler } = deciderCommand(
  ledgerDecider,
  ledgerStream,
  LEDGER_SNAPSHOT,
);

/** Issue an invoice or a credit note: check, reserve the next number, then issue with it. */
export class IssueDocument {
  constructor(
    readonly contractId: string,
    readonly completion: Completion,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(IssueDocument)
export class IssueDocumentHandler implements ICommandHandler<IssueDocument> {
  private readonly snapshots: SnapshotStore;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) readModels: ReadModelStore,
  ) {
    this.snapshots = readModelSnapshots(readModels);
  }

  /**
   * The ledger's other commands in this process wait for all three steps (withStreamLock): none can
   * withdraw or change the document between the check and the issue and leave its number unused.
   */
  execute({
    contractId,
    completion,
    context,
  }: IssueDocument): Promise<CommandResult<LedgerState, LedgerEvent>> {
    return withStreamLock(this.store, ledgerStream(contractId), () =>
      this.checkReserveIssue(contractId, completion, context),
    );
  }

  private async checkReserveIssue(
    contractId: string,
    completion: Completion,
    context: CommandContext,
  ): Promise<CommandResult<LedgerState, LedgerEvent>> {
    const ledgerSnapshots = { store: this.snapshots, version: LEDGER_SNAPSHOT };
    // The ledger as the issue will be decided on (kept state or snapshot, and what came after): not
    // its whole stream.
    const ledger = await currentState(
      this.store,
      ledgerStream(contractId),
      ledgerDecider,
      context,
      ledgerSnapshots,
    );
    // Issuing an issued document again answers as before and reserves nothing.
    if (alreadyIssued(ledger.state, completion)) return { ...ledger, appended: [] };
    // Refuse before reserving: a number is only taken for a document that can be issued.
    ledgerDecider.decide(completeWith(completion, 'pending'), ledger.state);
    const series = completion.type === 'IssueInvoice' ? 'invoice' : 'credit-note';
    const documentId =
      completion.type === 'IssueInvoice' ? completion.invoiceId : completion.creditNoteId;
    const seriesStream = numberingStream(context.tenantId, series, completion.issueDate);
    // One reservation of a series at a time in this process (under the ledger's queue, never the
    // other way round): issues of many contracts at once would otherwise race for the series and
    // some give up after their retries.
    const reserved = await withStreamLock(this.store, seriesStream, () =>
      handleCommand(
        this.store,
        seriesStream,
        numberingDecider,
        {
          type: 'ReserveNumber',
          series,
          documentId,
          contractId,
          issueDate: completion.issueDate,
          completion,
        },
        context,
        // A series grows all year: its commands read a snapshot and the few reservations after it.
        { store: this.snapshots, version: NUMBERING_SNAPSHOT },
      ),
    );
    const number = reservedNumber(reserved.state, documentId);
    if (!number) throw new Error(`${documentId}: the series answered without its number`);
    const issue = completeWith(completion, number);
    return handleCommand(
      this.store,
      ledgerStream(contractId),
      ledgerDecider,
      issue,
      context,
      ledgerSnapshots,
    );
  }
}

function alreadyIssued(ledger: LedgerState, completion: Completion): boolean {
  if (ledger.status === 'none') return false;
  if (completion.type === 'IssueCreditNote')
    return ledger.creditNotes.some((note) => note.creditNoteId === completion.creditNoteId);
  return findInvoice(ledger, completion.invoiceId)?.status === 'issued';
}
