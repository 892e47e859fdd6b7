import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { IsUuid, ListQuery, UUID_PATTERN } from '@billing/shared/nest';

export class InvoiceListQuery extends ListQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    pattern: UUID_PATTERN,
    description: "Only the contract's invoices",
  })
  @IsOptional()
  @IsUuid()
  contractId?: string;

  @ApiPropertyOptional({
    enum: ['draft', 'issued', 'void', 'withdrawn'],
    description: 'Only invoices in this status',
  })
  @IsOptional()
  @IsIn(['draft', 'issued', 'void', 'withdrawn'])
  status?: string;

  @ApiPropertyOptional({
    minLength: 1,
    description: "Only the customer's invoices",
    example: '7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  customerId?: string;
}
