import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { contractDecider, contractStream, type ContractCommand, type ContractEvent, type ContractState } from '@billing/contracts/domain';
import type { CommandContext, CommandResult, EventStore } from '@billing/shared/event-store';
import { decideOn, EVENT_STORE, StreamCommand } from '@billing/shared/nest';

export class ExecuteContractCommand extends StreamCommand<ContractCommand> {
  constructor(readonly contractId: string, command: ContractCommand, context: CommandContext) {
    super(contractStream(contractId), command, context);
  }
}

@CommandHandler(ExecuteContractCommand)
export class ContractCommandHandler implements ICommandHandler<ExecuteContractCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(request: ExecuteContractCommand): Promise<CommandResult<ContractState, ContractEvent>> {
    return decideOn(this.store, contractDecider, request);
  }
}
