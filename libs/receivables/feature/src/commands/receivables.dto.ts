import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Min } from 'class-validator';
import { DatedBody, IsBusinessDate } from '@billing/shared/nest';

export class PaymentDto {
  @ApiProperty({ description: 'minor units' }) @IsInt() @Min(1) amount!: number;
  @ApiPropertyOptional({ example: 'USD', description: "defaults to the account's currency; another one is refused" })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency?: string;
  @ApiPropertyOptional({ format: 'date', description: 'date received, defaults to today' })
  @IsOptional()
  @IsBusinessDate()
  receivedOn?: string;
  @ApiProperty({ example: 'wire' }) @IsString() @IsNotEmpty() method!: string;
  @ApiProperty({ example: 'CHK 1042' }) @IsString() @IsNotEmpty() reference!: string;
  @ApiPropertyOptional({ description: 'invoices the remittance names, paid first in this order' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsUUID('all', { each: true })
  invoiceIds?: string[];
}

export class ApplyCreditDto extends DatedBody {
  @ApiProperty() @IsUUID() invoiceId!: string;
  @ApiPropertyOptional({ description: 'defaults to as much as the invoice and the credit allow' }) @IsOptional() @IsInt() @Min(1) amount?: number;
}

export class WriteOffDto extends DatedBody {
  @ApiPropertyOptional({ description: 'defaults to the whole open amount' }) @IsOptional() @IsInt() @Min(1) amount?: number;
  @ApiProperty() @IsString() @IsNotEmpty() reason!: string;
}

export class ReminderRunDto {
  @ApiPropertyOptional({ format: 'date', description: 'the date the run is for, defaults to today' })
  @IsOptional()
  @IsBusinessDate()
  runDate?: string;
  @ApiPropertyOptional({ description: 'days overdue per level, default [1, 15, 30]; the last is final' })
  @IsOptional()
  @IsArray()
  @IsInt({ each: true })
  @Min(1, { each: true })
  levels?: number[];
}
