import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

import {
  CountProperty,
  DateProperty,
  IsBusinessDate,
  IsUuid,
  MoneyProperty,
  RateProperty,
  UUID_PATTERN,
  WithinAmountLimit,
} from '@billing/shared/nest';

export class CustomerDto {
  @ApiProperty({
    format: 'uuid',
    pattern: UUID_PATTERN,
    description: 'the customer: its account in receivables',
    example: '7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f',
  })
  @IsUuid()
  id!: string;
  @ApiProperty({ minLength: 1, example: 'Harbor Point Development LLC' })
  @IsString()
  @IsNotEmpty()
  name!: string;
  @ApiProperty({
    format: 'email',
    description: 'where invoices go',
    example: 'ap@harborpoint.example',
  })
  @IsEmail()
  email!: string;
  @ApiProperty({
    minLength: 1,
    description: 'billing address',
    example: '100 Quay Street, Portland ME',
  })
  @IsString()
  @IsNotEmpty()
  address!: string;
}

export class RetainageStepDto {
  @RateProperty('percent complete from which the step applies (the first step is at 0)', {
    example: 0,
  })
  @IsInt()
  @Min(0)
  @Max(10000)
  threshold!: number;
  @RateProperty('retainage on completed work', { example: 1000 })
  @IsInt()
  @Min(0)
  @Max(10000)
  workRate!: number;
  @RateProperty('retainage on stored materials', { example: 1000 })
  @IsInt()
  @Min(0)
  @Max(10000)
  materialsRate!: number;
}

const ITEM_MAX = 32;

/**
 * A line id is a segment of the milestone paths (`/milestones/:lineId/...`): no slash, no `?`, `#`,
 * `%` or backslash, no tab or line break, not `.` or `..` (clients resolve those away), and no
 * white space at either end (` A ` beside `A`).
 */
const LINE_ID = /^(?!\.{1,2}$)(?!\s)(?!.*\s$)[^/?#%\\\t\r\n]{1,100}$/;

export class ScheduleLineDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 100,
    pattern: LINE_ID.source,
    description:
      'the id progress reports and milestones name the line by (a path segment: no slash); defaults to a new id',
    example: 'L1',
  })
  @IsOptional()
  @IsString()
  @Matches(LINE_ID, {
    message:
      'lineId is 1 to 100 characters, not . or .., without / ? # % \\, tabs, line breaks or white space at either end (milestone paths name it)',
  })
  lineId?: string;
  // G703 column A is narrow: a long unbroken item number took the PDF seconds to wrap, character by
  // character.
  @ApiProperty({
    minLength: 1,
    maxLength: ITEM_MAX,
    description: 'item number (G703 column A)',
    example: '1',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(ITEM_MAX)
  item!: string;
  @ApiProperty({
    minLength: 1,
    description: 'description of work (G703 column B)',
    example: 'Sitework and foundations',
  })
  @IsString()
  @IsNotEmpty()
  description!: string;
  @MoneyProperty(
    'scheduled value (G703 column C); positive, or negative for a deduction a change order adds',
    { example: 100_000_000 },
  )
  @IsInt()
  @WithinAmountLimit()
  scheduledValue!: number;
}

export class CreateContractDto {
  @ApiProperty({ type: CustomerDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CustomerDto)
  customer!: CustomerDto;
  @ApiProperty({ minLength: 1, example: 'Harbor Point Medical Office Building' })
  @IsString()
  @IsNotEmpty()
  title!: string;
  @ApiProperty({
    pattern: '^[A-Z]{3}$',
    description: 'ISO 4217 code of every amount of the contract',
    example: 'USD',
  })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency!: string;
  @MoneyProperty('original contract sum', { minimum: 1, example: 100_000_000 })
  @IsInt()
  @Min(1)
  @WithinAmountLimit()
  originalSum!: number;
  @ApiProperty({
    enum: ['progress', 'milestone'],
    description: 'billed on reported progress, or on certified milestones',
    example: 'progress',
  })
  @IsIn(['progress', 'milestone'])
  basis!: 'progress' | 'milestone';
  @ApiProperty({
    type: [RetainageStepDto],
    minItems: 1,
    description: 'retainage steps by percent complete, in increasing threshold order from 0',
  })
  @IsDefined()
  @IsArray()
  // Each item an object: ValidateNested alone also takes `[[{...}]]`, validating the inner array's
  // items.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @Type(() => RetainageStepDto)
  retainage!: RetainageStepDto[];
  @RateProperty('tax rate, 0 = exempt', { example: 825 })
  @IsInt()
  @Min(0)
  @Max(10000)
  taxRate!: number;
  @CountProperty('days from issue to due date', { maximum: 3650, example: 30 })
  @IsInt()
  @Min(0)
  @Max(3650)
  paymentTermsDays!: number;
  @ApiPropertyOptional({
    description: "the customer's purchase order number",
    example: 'HP-2026-001',
  })
  @IsOptional()
  @IsString()
  poNumber?: string;
  @DateProperty('start date, defaults to today', { required: false, example: '2026-01-05' })
  @IsOptional()
  @IsBusinessDate()
  startDate?: string;
  @ApiProperty({
    type: [ScheduleLineDto],
    minItems: 1,
    description: 'the schedule of values: at most the contract sum, and equal to it to activate',
  })
  @IsDefined()
  @IsArray()
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @Type(() => ScheduleLineDto)
  lines!: ScheduleLineDto[];
}

export class ReviseScheduleDto {
  @ApiProperty({
    type: [ScheduleLineDto],
    minItems: 1,
    description: 'the whole new schedule of values',
  })
  @IsDefined()
  @IsArray()
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @Type(() => ScheduleLineDto)
  lines!: ScheduleLineDto[];
}

export class ChangeOrderDto {
  @ApiProperty({ minLength: 1, example: 'CO-001' }) @IsString() @IsNotEmpty() number!: string;
  @ApiProperty({ minLength: 1, example: 'Additional storm drainage' })
  @IsString()
  @IsNotEmpty()
  description!: string;
  @MoneyProperty('signed, non-zero: what the contract sum changes by', { example: 4_567_890 })
  @IsInt()
  @WithinAmountLimit()
  amount!: number;
  @DateProperty('approval date, defaults to today', { required: false, example: '2026-02-10' })
  @IsOptional()
  @IsBusinessDate()
  approvedOn?: string;
  @ApiProperty({
    type: [ScheduleLineDto],
    minItems: 1,
    description: 'the lines it adds, summing to its amount',
  })
  @IsDefined()
  @IsArray()
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @Type(() => ScheduleLineDto)
  lines!: ScheduleLineDto[];
}

/** POST /contracts/:id/costs: one period's job cost (ADR 20). */
export class ReportCostsDto {
  @DateProperty('the period the costs are for: the last day of a month', { example: '2026-01-31' })
  @IsBusinessDate()
  periodEnd!: string;
  @MoneyProperty('cost incurred on the contract from its start to the period end', {
    minimum: 0,
    example: 6_400_000,
  })
  @IsInt()
  @Min(0)
  @WithinAmountLimit()
  costToDate!: number;
  @MoneyProperty(
    'estimated total cost of the contract at completion, as known at the period end; at least the cost to date',
    { minimum: 1, example: 80_000_000 },
  )
  @IsInt()
  @Min(1)
  @WithinAmountLimit()
  estimatedTotalCost!: number;
  @DateProperty(
    'when the costs are reported (business date, on or after the period end), defaults to today',
    { required: false, example: '2026-02-05' },
  )
  @IsOptional()
  @IsBusinessDate()
  date?: string;
}
