import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ledgerEventSchemas, numberingEventSchemas } from '@billing/invoicing/domain';
import type { EventSchemas, EventStore } from '@billing/shared/event-store';
import { INVOICING_TOPIC } from '@billing/invoicing/messages';
import {
  readModelSnapshots,
  startConsumer,
  type Projection,
  type ReadModelStore,
} from '@billing/shared/read-models';
import {
  Background,
  ContextRuntime,
  EVENT_SCHEMAS,
  EVENT_STORE,
  READ_MODELS,
} from '@billing/shared/nest';
import {
  IssueDocumentHandler,
  LEDGER_SNAPSHOT,
  NUMBERING_SNAPSHOT,
  LedgerCommandHandler,
} from './commands/ledger.command';
import { InvoicingHttp } from './commands/invoicing.http';
import { finishReservedIssue } from './commands/numbering.recovery';
import { ledgerMessages } from './invoicing.relay';
import { InvoicingReactions } from './reactions/invoicing.reactions';
import { invoicesProjection } from './read-models/invoices.projection';
import { InvoicingQueries } from './read-models/invoicing.queries.http';
import { billingTimelinessProjection } from './read-models/billing-timeliness.projection';
import { BillingTimelinessQueries } from './read-models/billing-timeliness.http';
import { InvoicingDocuments } from './documents/documents.http';

/** This context's read models: the app runs them, `npm run rebuild` rebuilds them. */
export const invoicingProjections: Projection[] = [invoicesProjection, billingTimelinessProjection];

@Module({
  controllers: [InvoicingHttp, InvoicingQueries, InvoicingDocuments, BillingTimelinessQueries],
  providers: [LedgerCommandHandler, IssueDocumentHandler, InvoicingReactions],
})
export class InvoicingModule implements OnApplicationBootstrap {
  constructor(
    private readonly runtime: ContextRuntime,
    private readonly reactions: InvoicingReactions,
    private readonly background: Background,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(EVENT_SCHEMAS) schemas: EventSchemas,
  ) {
    schemas.register(ledgerEventSchemas).register(numberingEventSchemas);
  }

  async onApplicationBootstrap() {
    const snapshots = readModelSnapshots(this.readModels);
    const ledgerSnapshots = { store: snapshots, version: LEDGER_SNAPSHOT };
    const recovery = {
      name: 'invoicing:finish-reserved-issues',
      streamPrefixes: ['numbering-'],
      handle: finishReservedIssue(this.store, ledgerSnapshots, {
        store: snapshots,
        version: NUMBERING_SNAPSHOT,
      }),
      retryParked: true,
    };
    this.background.track(
      await startConsumer(this.store, this.background.projections.state, recovery),
      recovery.streamPrefixes,
    );
    await this.runtime.start({
      name: 'invoicing',
      relay: { topic: INVOICING_TOPIC, streamPrefixes: ['billing-'], toMessages: ledgerMessages },
      projections: invoicingProjections,
      reactions: {
        topics: this.reactions.topics,
        handle: (message) => this.reactions.handle(message),
      },
    });
  }
}
