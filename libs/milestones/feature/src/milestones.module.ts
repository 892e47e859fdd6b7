import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { scheduleEventSchemas } from '@billing/milestones/domain';
import type { EventSchemas } from '@billing/shared/event-store';
import { MILESTONES_TOPIC } from '@billing/milestones/messages';
import type { Projection } from '@billing/shared/read-models';
import { ContextRuntime, EVENT_SCHEMAS } from '@billing/shared/nest';
import { ScheduleCommandHandler } from './commands/schedule.command';
import { ScheduleHttp } from './commands/schedule.http';
import { scheduleMessages } from './milestones.relay';
import { ContractReactions } from './reactions/contract.reactions';
import { scheduleProjection } from './read-models/schedule.projection';
import { ScheduleQueries } from './read-models/schedule.queries.http';

/** This context's read models: the app runs them, `npm run rebuild` rebuilds them. */
export const milestonesProjections: Projection[] = [scheduleProjection];

@Module({
  controllers: [ScheduleHttp, ScheduleQueries],
  providers: [ScheduleCommandHandler, ContractReactions],
})
export class MilestonesModule implements OnApplicationBootstrap {
  constructor(
    private readonly runtime: ContextRuntime,
    private readonly reactions: ContractReactions,
    @Inject(EVENT_SCHEMAS) schemas: EventSchemas,
  ) {
    schemas.register(scheduleEventSchemas);
  }

  onApplicationBootstrap() {
    return this.runtime.start({
      name: 'milestones',
      relay: {
        topic: MILESTONES_TOPIC,
        streamPrefixes: ['schedule-'],
        toMessages: scheduleMessages,
      },
      projections: milestonesProjections,
      reactions: {
        topics: this.reactions.topics,
        handle: (message) => this.reactions.handle(message),
      },
    });
  }
}
