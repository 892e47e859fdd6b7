import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

import {
  DateProperty,
  IsBusinessDate,
  MoneyProperty,
  RateProperty,
  WithinAmountLimit,
} from '@billing/shared/nest';

export class ReportedLineDto {
  @ApiProperty({ minLength: 1, description: 'a line of the schedule of values', example: 'L1' })
  @IsString()
  @IsNotEmpty()
  lineId!: string;
  @RateProperty('cumulative percent complete (33.33% = 3333)', { example: 4000 })
  @IsInt()
  @Min(0)
  @Max(10000)
  percentComplete!: number;
  @MoneyProperty('materials presently stored at period end', { minimum: 0, example: 0 })
  @IsInt()
  @Min(0)
  @WithinAmountLimit()
  storedMaterials!: number;
  @ApiPropertyOptional({ minLength: 1, description: 'required when percent complete goes down' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  correctionReason?: string;
}

export class ReportProgressDto {
  @DateProperty('the last day of the month the report is for', { example: '2026-01-31' })
  @IsBusinessDate()
  periodEnd!: string;
  @DateProperty('defaults to today', { required: false, example: '2026-02-01' })
  @IsOptional()
  @IsBusinessDate()
  reportedOn?: string;
  @ApiProperty({
    type: [ReportedLineDto],
    minItems: 1,
    description: 'the lines reported; the others keep their certified figures',
  })
  @IsDefined()
  @IsArray()
  // Each item an object: ValidateNested alone also takes `[[{...}]]`, validating the inner array's
  // items.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @Type(() => ReportedLineDto)
  lines!: ReportedLineDto[];
}
