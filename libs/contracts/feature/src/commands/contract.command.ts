import { contractDecider, contractStream } from '@billing/contracts/domain';
import { deciderCommand } from '@billing/shared/nest';

export const { Command: ExecuteContractCommand, Handler: ContractCommandHandler } = deciderCommand(
  contractDecider,
  contractStream,
  'contract.v2',
);
