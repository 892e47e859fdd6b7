import { ApiProperty } from '@nestjs/swagger';
import { CountProperty, UuidProperty } from '@billing/shared/nest';
import {
  CONTRACT_STATUSES,
  ContractScheduleLine,
} from '../read-models/contracts.queries.responses';

/**
 * What a contract command answers: the contract's status and revision, and its schedule lines with
 * their ids.
 */
export class ContractCommandAnswer {
  @UuidProperty('The contract') contractId!: string;
  @ApiProperty({ enum: CONTRACT_STATUSES, description: 'Its status after the command' })
  status!: (typeof CONTRACT_STATUSES)[number];
  @CountProperty("Revision of the contract's stream after the command") revision!: number;
  @ApiProperty({
    type: [ContractScheduleLine],
    description: 'The schedule of values with the line ids progress reports and milestones name',
  })
  lines!: ContractScheduleLine[];
}
