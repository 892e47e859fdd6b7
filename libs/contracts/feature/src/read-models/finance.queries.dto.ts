import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
import { FormatProperty, IsBusinessDate, ListQuery, type Format } from '@billing/shared/nest';
import { CONTRACT_STATUSES } from './contracts.queries.responses';

const CURRENCY = /^[A-Z]{3}$/;

/** The filters the finance lists share: one currency, one customer. */
class FinanceListQuery extends ListQuery {
  @ApiPropertyOptional({
    pattern: '^[A-Z]{3}$',
    description: 'Only contracts in this currency (ISO 4217)',
    example: 'USD',
  })
  @IsOptional()
  @Matches(CURRENCY, { message: 'currency must be an ISO 4217 code' })
  currency?: string;

  @ApiPropertyOptional({
    minLength: 1,
    description: "Only the customer's contracts",
    example: '7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  customerId?: string;

  @FormatProperty() format?: Format;
}

export class ContractLedgerListQuery extends FinanceListQuery {
  @ApiPropertyOptional({ enum: CONTRACT_STATUSES, description: 'Only contracts in this status' })
  @IsOptional()
  @IsIn(CONTRACT_STATUSES)
  status?: string;
}

export class WipScheduleQuery extends FinanceListQuery {
  @ApiProperty({
    format: 'date',
    description: 'The period: its last day, YYYY-MM-DD (the contracts that reported costs for it)',
    example: '2026-01-31',
  })
  @IsBusinessDate()
  periodEnd!: string;
}

export class ContractWipQuery extends ListQuery {
  @FormatProperty() format?: Format;
}
