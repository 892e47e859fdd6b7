import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID } from 'class-validator';
import { PageQuery } from '@billing/shared/nest';

export class InvoiceListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() contractId?: string;

  @ApiPropertyOptional({ enum: ['draft', 'issued', 'void', 'withdrawn'] })
  @IsOptional()
  @IsIn(['draft', 'issued', 'void', 'withdrawn'])
  status?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() customerId?: string;
}
