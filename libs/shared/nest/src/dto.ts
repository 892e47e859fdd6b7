import { Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationError } from '@billing/shared/kernel';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A command body that only carries its business date (defaults to today in the tenant's zone). */
export class DatedBody {
  @ApiPropertyOptional({ format: 'date', description: 'business date, defaults to today' })
  @IsOptional()
  @Matches(DATE_PATTERN, { message: 'date must be a calendar date YYYY-MM-DD' })
  date?: string;
}

export class ReasonBody extends DatedBody {
  @ApiProperty() @IsString() @IsNotEmpty() reason!: string;
}

/** `?at=` for the audit views: an ISO 8601 instant, or 400. */
@Injectable()
export class ParseInstantPipe implements PipeTransform<string | undefined, Date> {
  transform(value: string | undefined): Date {
    const instant = new Date(value ?? '');
    if (Number.isNaN(instant.getTime())) throw new ValidationError('at must be an ISO 8601 instant');
    return instant;
  }
}
