import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { PageQuery } from '@billing/shared/nest';

export class ContractListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['draft', 'active', 'suspended', 'completed', 'closed', 'cancelled'] })
  @IsOptional()
  @IsIn(['draft', 'active', 'suspended', 'completed', 'closed', 'cancelled'])
  status?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() customerId?: string;
}
