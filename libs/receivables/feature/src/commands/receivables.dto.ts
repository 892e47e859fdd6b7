import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';
import {
  DatedBody,
  DateProperty,
  IsBusinessDate,
  IsUuid,
  MoneyProperty,
  UUID_PATTERN,
  WithinAmountLimit,
} from '@billing/shared/nest';

export class PaymentDto {
  @MoneyProperty('amount received', { minimum: 1, example: 20_000_000 })
  @IsInt()
  @Min(1)
  @WithinAmountLimit()
  amount!: number;
  @ApiPropertyOptional({
    pattern: '^[A-Z]{3}$',
    example: 'USD',
    description: "ISO 4217; defaults to the account's currency; another one is refused (422)",
  })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency?: string;
  @DateProperty('date received, defaults to today', { required: false, example: '2026-03-01' })
  @IsOptional()
  @IsBusinessDate()
  receivedOn?: string;
  @ApiProperty({ minLength: 1, example: 'check' }) @IsString() @IsNotEmpty() method!: string;
  @ApiProperty({ minLength: 1, example: 'CHK 1042' }) @IsString() @IsNotEmpty() reference!: string;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', format: 'uuid', pattern: UUID_PATTERN },
    uniqueItems: true,
    description: 'invoices the remittance names, paid first in this order',
    example: ['5c4b6a1e-8f3d-4b2a-9e7c-1d0f2a3b4c5d'],
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsUuid({ each: true })
  invoiceIds?: string[];
}

export class ApplyCreditDto extends DatedBody {
  @ApiProperty({
    format: 'uuid',
    pattern: UUID_PATTERN,
    description: 'the open invoice to apply credit to',
    example: '5c4b6a1e-8f3d-4b2a-9e7c-1d0f2a3b4c5d',
  })
  @IsUuid()
  invoiceId!: string;
  @MoneyProperty('defaults to as much as the invoice and the credit allow', {
    required: false,
    minimum: 1,
    example: 100_000,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @WithinAmountLimit()
  amount?: number;
}

export class WriteOffDto extends DatedBody {
  @MoneyProperty('defaults to the whole open amount', {
    required: false,
    minimum: 1,
    example: 50_000,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @WithinAmountLimit()
  amount?: number;
  @ApiProperty({ minLength: 1, example: 'Disputed small balance, settled with the customer' })
  @IsString()
  @IsNotEmpty()
  reason!: string;
}

export class ReminderRunDto {
  @DateProperty('the date the run is for, defaults to today', {
    required: false,
    example: '2026-04-15',
  })
  @IsOptional()
  @IsBusinessDate()
  runDate?: string;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'integer', minimum: 1, maximum: 3650 },
    minItems: 1,
    uniqueItems: true,
    description: 'days overdue per level, each once, default [1, 15, 30]; the highest is final',
    example: [1, 15, 30],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  // [1, 1, 1] would send a "final" reminder at the first level.
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  // A level is reckoned back from the run date: ten years, as for payment terms, not a date before
  // 0001.
  @Max(3650, { each: true })
  levels?: number[];
}
