import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsDefined, IsInt, IsNotEmpty, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';

import { IsBusinessDate } from '@billing/shared/nest';

export class ReportedLineDto {
  @ApiProperty() @IsString() @IsNotEmpty() lineId!: string;
  @ApiProperty({ description: 'cumulative percent complete, 1/100 % (33.33% = 3333)' }) @IsInt() @Min(0) @Max(10000) percentComplete!: number;
  @ApiProperty({ description: 'materials presently stored at period end, minor units' }) @IsInt() @Min(0) storedMaterials!: number;
  @ApiPropertyOptional({ description: 'required when percent complete goes down' }) @IsOptional() @IsString() @IsNotEmpty() correctionReason?: string;
}

export class ReportProgressDto {
  @ApiProperty({ format: 'date' }) @IsBusinessDate() periodEnd!: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsBusinessDate() reportedOn?: string;
  @ApiProperty({ type: [ReportedLineDto] }) @IsDefined() @IsArray() @ValidateNested({ each: true }) @ArrayMinSize(1) @Type(() => ReportedLineDto) lines!: ReportedLineDto[];
}
