import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { EventStore } from '@billing/shared/event-store';
import { Background, CLOCK, ContextRuntime, EVENT_STORE, type Clock } from '@billing/shared/nest';
import { IssueDocumentHandler, LedgerCommandHandler } from './commands/ledger.command';
import { InvoicingHttp } from './commands/invoicing.http';
import { finishReservedIssue } from './commands/numbering.recovery';
import { ledgerMessages } from './invoicing.relay';
import { InvoicingReactions } from './reactions/invoicing.reactions';
import { invoicesProjection } from './read-models/invoices.projection';
import { InvoicingQueries } from './read-models/invoicing.queries.http';

@Module({
  controllers: [InvoicingHttp, InvoicingQueries],
  providers: [LedgerCommandHandler, IssueDocumentHandler, InvoicingReactions],
})
export class InvoicingModule implements OnApplicationBootstrap {
  constructor(
    private readonly runtime: ContextRuntime,
    private readonly reactions: InvoicingReactions,
    private readonly background: Background,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap() {
    const recovery = ['numbering-'];
    this.background.track(
      this.store.subscribeToAll(
        { fromPosition: 0, streamPrefixes: recovery },
        finishReservedIssue(this.store, () => this.clock.now()),
      ),
      recovery,
    );
    await this.runtime.start({
      name: 'invoicing',
      relay: { streamPrefixes: ['billing-'], toMessages: ledgerMessages },
      projections: [invoicesProjection],
      reactions: { topics: this.reactions.topics, handle: (message) => this.reactions.handle(message) },
    });
  }
}
