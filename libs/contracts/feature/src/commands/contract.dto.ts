import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsDefined, IsEmail, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';

import { IsBusinessDate } from '@billing/shared/nest';

export class CustomerDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() id!: string;
  @ApiProperty() @IsString() @IsNotEmpty() name!: string;
  @ApiProperty() @IsEmail() email!: string;
  @ApiProperty() @IsString() @IsNotEmpty() address!: string;
}

export class RetainageStepDto {
  @ApiProperty({ description: 'percent complete from which the step applies, 1/100 %' }) @IsInt() @Min(0) @Max(10000) threshold!: number;
  @ApiProperty({ description: 'rate on completed work, 1/100 %' }) @IsInt() @Min(0) @Max(10000) workRate!: number;
  @ApiProperty({ description: 'rate on stored materials, 1/100 %' }) @IsInt() @Min(0) @Max(10000) materialsRate!: number;
}

export class ScheduleLineDto {
  @ApiPropertyOptional({ description: 'defaults to a new id' }) @IsOptional() @IsString() @IsNotEmpty() lineId?: string;
  @ApiProperty({ example: '1' }) @IsString() @IsNotEmpty() item!: string;
  @ApiProperty() @IsString() @IsNotEmpty() description!: string;
  @ApiProperty({ description: 'minor units' }) @IsInt() scheduledValue!: number;
}

export class CreateContractDto {
  @ApiProperty({ type: CustomerDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => CustomerDto) customer!: CustomerDto;
  @ApiProperty() @IsString() @IsNotEmpty() title!: string;
  @ApiProperty({ example: 'USD' }) @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' }) currency!: string;
  @ApiProperty({ description: 'original contract sum, minor units' }) @IsInt() @Min(1) originalSum!: number;
  @ApiProperty({ enum: ['progress', 'milestone'] }) @IsIn(['progress', 'milestone']) basis!: 'progress' | 'milestone';
  @ApiProperty({ type: [RetainageStepDto] })
  @IsDefined()
  @IsArray()
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @Type(() => RetainageStepDto)
  retainage!: RetainageStepDto[];
  @ApiProperty({ description: '1/100 %, 0 = exempt' }) @IsInt() @Min(0) @Max(10000) taxRate!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(3650) paymentTermsDays!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() poNumber?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsBusinessDate() startDate?: string;
  @ApiProperty({ type: [ScheduleLineDto] }) @IsDefined() @IsArray() @ValidateNested({ each: true }) @ArrayMinSize(1) @Type(() => ScheduleLineDto) lines!: ScheduleLineDto[];
}

export class ReviseScheduleDto {
  @ApiProperty({ type: [ScheduleLineDto] }) @IsDefined() @IsArray() @ValidateNested({ each: true }) @ArrayMinSize(1) @Type(() => ScheduleLineDto) lines!: ScheduleLineDto[];
}

export class ChangeOrderDto {
  @ApiProperty({ example: 'CO-001' }) @IsString() @IsNotEmpty() number!: string;
  @ApiProperty() @IsString() @IsNotEmpty() description!: string;
  @ApiProperty({ description: 'signed, minor units' }) @IsInt() amount!: number;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsBusinessDate() approvedOn?: string;
  @ApiProperty({ type: [ScheduleLineDto] }) @IsDefined() @IsArray() @ValidateNested({ each: true }) @ArrayMinSize(1) @Type(() => ScheduleLineDto) lines!: ScheduleLineDto[];
}
