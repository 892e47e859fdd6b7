import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import {
  CountProperty,
  DateProperty,
  type Format,
  FormatProperty,
  IsBusinessDate,
  IsUuid,
  PageQuery,
  TextProperty,
  UUID_PATTERN,
  UuidProperty,
} from '@billing/shared/nest';

export class BillingTimelinessQuery extends PageQuery {
  @ApiProperty({
    format: 'date',
    description: 'First issue date of the period, YYYY-MM-DD',
    example: '2026-01-01',
  })
  @IsBusinessDate()
  from!: string;
  @ApiProperty({
    format: 'date',
    description: 'Last issue date of the period, on or after `from`',
    example: '2026-12-31',
  })
  @IsBusinessDate()
  to!: string;
  @ApiPropertyOptional({ format: 'uuid', pattern: UUID_PATTERN, description: 'Only this contract' })
  @IsOptional()
  @IsUuid()
  contractId?: string;
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

const DECIMAL = { pattern: '^-?\\d+\\.\\d{2}$' };

export class DaysSummaryView {
  @CountProperty(
    'Pay applications issued in the period (not voided) whose certification date is known',
  )
  applications!: number;
  // Days from the certification's date to the issue date: negative for an application issued with
  // a date before the certification's (a certification recorded late, say).
  @ApiProperty({ type: 'integer', description: 'Their days, added up' }) totalDays!: number;
  @ApiProperty({
    type: 'integer',
    description: 'The fewest days (negative: issued with a date before its certification)',
  })
  minDays!: number;
  @ApiProperty({ type: 'integer', description: 'The most days' }) maxDays!: number;
  @TextProperty(
    'The median, a decimal with two places (an even count: the mean of the middle two)',
    { ...DECIMAL, example: '2.00' },
  )
  medianDays!: string;
  @TextProperty('The average, a decimal rounded half away from zero to two places', {
    ...DECIMAL,
    example: '2.33',
  })
  averageDays!: string;
}

export class ContractTimelinessView extends DaysSummaryView {
  @UuidProperty('The contract') contractId!: string;
  @TextProperty('Its title') contractTitle!: string;
  @TextProperty('The customer') customerId!: string;
  @TextProperty("The customer's name") customerName!: string;
}

export class BillingTimeliness {
  @DateProperty('First issue date of the period') from!: string;
  @DateProperty('Last issue date of the period') to!: string;
  @ApiProperty({
    type: DaysSummaryView,
    description: 'Over every pay application the filter selects',
  })
  overall!: DaysSummaryView;
  @ApiProperty({
    type: [ContractTimelinessView],
    description: 'One page of the contracts, by title',
  })
  contracts!: ContractTimelinessView[];
}
