import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Min } from 'class-validator';
import { DatedBody } from '@billing/shared/nest';

export class CreditNoteDto extends DatedBody {
  @ApiProperty({ description: 'net amount credited, minor units; tax is added at the invoice rate' }) @IsInt() @Min(1) amount!: number;
  @ApiProperty() @IsString() @IsNotEmpty() reason!: string;
}

export class RetainageReleaseDto extends DatedBody {
  @ApiPropertyOptional({ description: 'release agreed before completion' }) @IsOptional() @IsBoolean() agreed?: boolean;
}
