import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accountDecider, accountStream, type AccountCommand, type AccountEvent, type AccountState } from '@billing/receivables/domain';
import type { CommandContext, CommandResult, EventStore } from '@billing/shared/event-store';
import { decideOn, EVENT_STORE, StreamCommand } from '@billing/shared/nest';

export class ExecuteAccountCommand extends StreamCommand<AccountCommand> {
  constructor(readonly customerId: string, command: AccountCommand, context: CommandContext) {
    super(accountStream(customerId), command, context);
  }
}

@CommandHandler(ExecuteAccountCommand)
export class AccountCommandHandler implements ICommandHandler<ExecuteAccountCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(request: ExecuteAccountCommand): Promise<CommandResult<AccountState, AccountEvent>> {
    return decideOn(this.store, accountDecider, request);
  }
}
