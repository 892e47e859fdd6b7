import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Min } from 'class-validator';
import { DatedBody, MoneyProperty, WithinAmountLimit } from '@billing/shared/nest';

export class CreditNoteDto extends DatedBody {
  @MoneyProperty('net amount credited; tax is added at the invoice rate', {
    minimum: 1,
    example: 100_000,
  })
  @IsInt()
  @Min(1)
  @WithinAmountLimit()
  amount!: number;
  @ApiProperty({ minLength: 1, example: 'Pricing error on item 2' })
  @IsString()
  @IsNotEmpty()
  reason!: string;
}

export class IssueDto extends DatedBody {
  @MoneyProperty(
    "the draft's total as reviewed: the issue is refused (409) if the draft no longer has it (a void or a certification recomputed it meanwhile)",
    { required: false, example: 28_921_067 },
  )
  @IsOptional()
  @IsInt()
  @WithinAmountLimit()
  reviewedTotal?: number;
}

export class RetainageReleaseDto extends DatedBody {
  @ApiPropertyOptional({
    description: 'release agreed before completion (default false)',
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  agreed?: boolean;
}
