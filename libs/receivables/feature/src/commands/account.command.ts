import { accountDecider, accountStream } from '@billing/receivables/domain';
import { deciderCommand } from '@billing/shared/nest';

export const { Command: ExecuteAccountCommand, Handler: AccountCommandHandler } = deciderCommand(accountDecider, accountStream);
