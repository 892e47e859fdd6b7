import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { contractEventSchemas } from '@billing/contracts/domain';
import { auditIndexProjection } from '@billing/shared/audit';
import type { EventSchemas } from '@billing/shared/event-store';
import { CONTRACTS_TOPIC } from '@billing/contracts/messages';
import type { Projection } from '@billing/shared/read-models';
import { ContextRuntime, EVENT_SCHEMAS } from '@billing/shared/nest';
import { ContractCommandHandler } from './commands/contract.command';
import { ContractsHttp } from './commands/contracts.http';
import { contractMessages } from './contracts.relay';
import { BillingReactions } from './reactions/billing.reactions';
import { contractHistoryProjection } from './read-models/contract-history.projection';
import { contractSummaryProjection } from './read-models/contract-summary.projection';
import { contractFinanceProjection } from './read-models/contract-finance.projection';
import { ContractFinanceQueries } from './read-models/finance.queries.http';
import { ContractsQueries } from './read-models/contracts.queries.http';

/** This context's read models: the app runs them, `npm run rebuild` rebuilds them. */
export const contractsProjections: Projection[] = [
  contractSummaryProjection,
  contractHistoryProjection,
  contractFinanceProjection,
  // The audit API's index is served where the audit API is: with the contracts.
  auditIndexProjection,
];

@Module({
  controllers: [ContractsHttp, ContractsQueries, ContractFinanceQueries],
  providers: [ContractCommandHandler, BillingReactions],
})
export class ContractsModule implements OnApplicationBootstrap {
  constructor(
    private readonly runtime: ContextRuntime,
    private readonly reactions: BillingReactions,
    @Inject(EVENT_SCHEMAS) schemas: EventSchemas,
  ) {
    schemas.register(contractEventSchemas);
  }

  onApplicationBootstrap() {
    return this.runtime.start({
      name: 'contracts',
      relay: {
        topic: CONTRACTS_TOPIC,
        streamPrefixes: ['contract-'],
        toMessages: contractMessages,
      },
      projections: contractsProjections,
      reactions: {
        topics: this.reactions.topics,
        handle: (message) => this.reactions.handle(message),
      },
    });
  }
}
