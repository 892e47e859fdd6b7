import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ContextRuntime } from '@billing/shared/nest';
import { ContractCommandHandler } from './commands/contract.command';
import { ContractsHttp } from './commands/contracts.http';
import { contractMessages } from './contracts.relay';
import { BillingReactions } from './reactions/billing.reactions';
import { contractSummaryProjection } from './read-models/contract-summary.projection';
import { ContractsQueries } from './read-models/contracts.queries.http';

@Module({
  controllers: [ContractsHttp, ContractsQueries],
  providers: [ContractCommandHandler, BillingReactions],
})
export class ContractsModule implements OnApplicationBootstrap {
  constructor(
    private readonly runtime: ContextRuntime,
    private readonly reactions: BillingReactions,
  ) {}

  onApplicationBootstrap() {
    return this.runtime.start({
      name: 'contracts',
      relay: { streamPrefixes: ['contract-'], toMessages: contractMessages },
      projections: [contractSummaryProjection],
      reactions: { topics: this.reactions.topics, handle: (message) => this.reactions.handle(message) },
    });
  }
}
