import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
import {
  CountProperty,
  DateProperty,
  FormatProperty,
  IsBusinessDate,
  MoneyProperty,
  PageQuery,
  TextProperty,
  type Format,
} from '@billing/shared/nest';

const CURRENCY = { pattern: '^[A-Z]{3}$', example: 'USD' };

/** The filters of the receivables finance queries: one currency, one customer; and the format. */
class ReceivablesFilter extends PageQuery {
  @ApiPropertyOptional({
    pattern: '^[A-Z]{3}$',
    description: 'Only this currency (ISO 4217)',
    example: 'USD',
  })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency?: string;
  @ApiPropertyOptional({
    minLength: 1,
    description: 'Only this customer',
    example: '7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  customerId?: string;
  @FormatProperty() format?: Format;
}

export class CashForecastQuery extends ReceivablesFilter {
  @ApiPropertyOptional({
    format: 'date',
    description: 'YYYY-MM-DD: what is open on it, defaults to today',
    example: '2026-04-15',
  })
  @IsOptional()
  @IsBusinessDate()
  asOf?: string;
}

export class DsoQuery extends ReceivablesFilter {
  @ApiProperty({
    format: 'date',
    description: 'First day of the period, YYYY-MM-DD',
    example: '2026-01-01',
  })
  @IsBusinessDate()
  from!: string;
  @ApiProperty({
    format: 'date',
    description: 'Last day of the period, on or after `from`: receivables are taken as of it',
    example: '2026-06-30',
  })
  @IsBusinessDate()
  to!: string;
}

export class CashWeekView {
  @TextProperty('ISO 8601 week of the due dates', {
    pattern: '^\\d{4}-W\\d{2}$',
    example: '2026-W19',
  })
  week!: string;
  @DateProperty('Its Monday') weekStart!: string;
  @DateProperty('Its Sunday') weekEnd!: string;
  @TextProperty('ISO 4217 currency', CURRENCY) currency!: string;
  @MoneyProperty('Open on invoices due that week, as of the date') expected!: number;
  @MoneyProperty('The part of it already past due on the date') overdue!: number;
}

export class CashTotalsView {
  @TextProperty('ISO 4217 currency', CURRENCY) currency!: string;
  @MoneyProperty('Everything open, all weeks') expected!: number;
  @MoneyProperty('The part of it past due') overdue!: number;
}

export class CashForecast {
  @DateProperty('The date the open amounts are taken as of') asOf!: string;
  @ApiProperty({
    type: [CashWeekView],
    description: 'One page of the weeks, oldest first (past weeks hold what is overdue)',
  })
  weeks!: CashWeekView[];
  @ApiProperty({
    type: [CashTotalsView],
    description:
      'Totals of all weeks per currency (amounts of different currencies are never added)',
  })
  currencies!: CashTotalsView[];
}

export class CurrencyDsoView {
  @TextProperty('ISO 4217 currency', CURRENCY) currency!: string;
  @MoneyProperty('Open on invoices as of `to` (retainage not yet billed excluded)')
  endingReceivables!: number;
  @MoneyProperty(
    'Invoices issued in the period, less those voided and credit notes issued in it (tax included)',
  )
  creditSales!: number;
  @CountProperty('Days of the period, both ends counted') days!: number;
  @TextProperty(
    'endingReceivables / creditSales x days, a decimal rounded half away from zero to two places; absent when creditSales is not above zero',
    {
      required: false,
      pattern: '^-?\\d+\\.\\d{2}$',
      example: '42.17',
    },
  )
  dso?: string;
}

export class Dso {
  @DateProperty('First day of the period') from!: string;
  @DateProperty('Last day of the period') to!: string;
  @ApiProperty({ type: [CurrencyDsoView], description: 'One page of the currencies' })
  currencies!: CurrencyDsoView[];
}
