import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { ListQuery } from '@billing/shared/nest';

export class ContractListQuery extends ListQuery {
  @ApiPropertyOptional({
    enum: ['draft', 'active', 'suspended', 'completed', 'closed', 'cancelled'],
    description: 'Only contracts in this status',
  })
  @IsOptional()
  @IsIn(['draft', 'active', 'suspended', 'completed', 'closed', 'cancelled'])
  status?: string;

  @ApiPropertyOptional({
    minLength: 1,
    description: "Only the customer's contracts",
    example: '7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  customerId?: string;
}
