import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { scheduleDecider, scheduleStream, type ScheduleCommand, type ScheduleEvent, type ScheduleState } from '@billing/milestones/domain';
import type { CommandContext, CommandResult, EventStore } from '@billing/shared/event-store';
import { decideOn, EVENT_STORE, StreamCommand } from '@billing/shared/nest';

export class ExecuteScheduleCommand extends StreamCommand<ScheduleCommand> {
  constructor(readonly contractId: string, command: ScheduleCommand, context: CommandContext) {
    super(scheduleStream(contractId), command, context);
  }
}

@CommandHandler(ExecuteScheduleCommand)
export class ScheduleCommandHandler implements ICommandHandler<ExecuteScheduleCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(request: ExecuteScheduleCommand): Promise<CommandResult<ScheduleState, ScheduleEvent>> {
    return decideOn(this.store, scheduleDecider, request);
  }
}
