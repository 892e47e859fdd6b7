import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ContextRuntime } from '@billing/shared/nest';
import { AccountCommandHandler } from './commands/account.command';
import { ReceivablesHttp } from './commands/receivables.http';
import { accountMessages } from './receivables.relay';
import { InvoiceReactions } from './reactions/invoice.reactions';
import { accountsProjection } from './read-models/accounts.projection';
import { ReceivablesQueries } from './read-models/receivables.queries.http';

@Module({
  controllers: [ReceivablesHttp, ReceivablesQueries],
  providers: [AccountCommandHandler, InvoiceReactions],
})
export class ReceivablesModule implements OnApplicationBootstrap {
  constructor(
    private readonly runtime: ContextRuntime,
    private readonly reactions: InvoiceReactions,
  ) {}

  onApplicationBootstrap() {
    return this.runtime.start({
      name: 'receivables',
      relay: { streamPrefixes: ['account-'], toMessages: accountMessages },
      projections: [accountsProjection],
      reactions: { topics: this.reactions.topics, handle: (message) => this.reactions.handle(message) },
    });
  }
}
