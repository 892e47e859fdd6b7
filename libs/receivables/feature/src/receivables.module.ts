import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { accountEventSchemas, accountEventUpcasters } from '@billing/receivables/domain';
import type { EventSchemas } from '@billing/shared/event-store';
import { RECEIVABLES_TOPIC } from '@billing/receivables/messages';
import type { Projection } from '@billing/shared/read-models';
import { ContextRuntime, EVENT_SCHEMAS } from '@billing/shared/nest';
import { AccountCommandHandler } from './commands/account.command';
import { ReceivablesHttp } from './commands/receivables.http';
import { accountMessages } from './receivables.relay';
import { InvoiceReactions } from './reactions/invoice.reactions';
import { accountsProjection } from './read-models/accounts.projection';
import { ReceivablesQueries } from './read-models/receivables.queries.http';
import { CashQueries } from './read-models/cash.queries.http';
import { ReceivablesDocuments } from './documents/documents.http';

/** This context's read models: the app runs them, `npm run rebuild` rebuilds them. */
export const receivablesProjections: Projection[] = [accountsProjection];

@Module({
  controllers: [ReceivablesHttp, ReceivablesQueries, ReceivablesDocuments, CashQueries],
  providers: [AccountCommandHandler, InvoiceReactions],
})
export class ReceivablesModule implements OnApplicationBootstrap {
  constructor(
    private readonly runtime: ContextRuntime,
    private readonly reactions: InvoiceReactions,
    @Inject(EVENT_SCHEMAS) schemas: EventSchemas,
  ) {
    schemas.register(accountEventSchemas, accountEventUpcasters);
  }

  onApplicationBootstrap() {
    return this.runtime.start({
      name: 'receivables',
      relay: {
        topic: RECEIVABLES_TOPIC,
        streamPrefixes: ['account-'],
        toMessages: accountMessages,
      },
      projections: receivablesProjections,
      reactions: {
        topics: this.reactions.topics,
        handle: (message) => this.reactions.handle(message),
      },
    });
  }
}
