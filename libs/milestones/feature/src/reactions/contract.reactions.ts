import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  CONTRACTS_TOPIC,
  contractsSchemas,
  type ChangeOrderApprovedV1,
  type ContractActivatedV1,
  type ContractPhaseChangedV1,
} from '@billing/contracts/messages';
import { parseMessage, type Message } from '@billing/shared/bus';
import { messageContext } from '@billing/shared/nest';
import { ExecuteScheduleCommand } from '../commands/schedule.command';

/**
 * An activated contract's schedule of values opens here; change orders add lines; phases gate new
 * work.
 */
@Injectable()
export class ContractReactions {
  readonly topics = [CONTRACTS_TOPIC];

  constructor(private readonly commandBus: CommandBus) {}

  async handle(message: Message): Promise<void> {
    const ctx = messageContext(message, 'milestones');
    switch (message.type) {
      case 'ContractActivated': {
        const data = parseMessage<ContractActivatedV1>(contractsSchemas, message);
        const lines = data.lines.map(({ lineId, item, description, scheduledValue }) => ({
          lineId,
          item,
          description,
          scheduledValue,
        }));
        await this.commandBus.execute(
          new ExecuteScheduleCommand(
            data.contractId,
            {
              type: 'OpenSchedule',
              contractId: data.contractId,
              basis: data.basis,
              lines,
              openedOn: data.activatedOn,
            },
            ctx,
          ),
        );
        return;
      }
      case 'ChangeOrderApproved': {
        const data = parseMessage<ChangeOrderApprovedV1>(contractsSchemas, message);
        const lines = data.lines.map(({ lineId, item, description, scheduledValue }) => ({
          lineId,
          item,
          description,
          scheduledValue,
        }));
        await this.commandBus.execute(
          new ExecuteScheduleCommand(
            data.contractId,
            { type: 'AddLines', changeOrderId: data.changeOrderId, lines },
            ctx,
          ),
        );
        return;
      }
      case 'ContractPhaseChanged': {
        const data = parseMessage<ContractPhaseChangedV1>(contractsSchemas, message);
        await this.commandBus.execute(
          new ExecuteScheduleCommand(
            data.contractId,
            { type: 'RecordContractPhase', phase: data.phase, on: data.on },
            ctx,
          ),
        );
        return;
      }
    }
  }
}
