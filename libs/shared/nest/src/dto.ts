import type { PipeTransform } from '@nestjs/common';
import {
  FIRST_BUSINESS_DATE,
  isBusinessDate,
  LAST_BUSINESS_DATE,
  MAX_AMOUNT,
  ValidationError,
} from '@billing/shared/kernel';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, isUUID, ValidateBy } from 'class-validator';
import type { AsOf } from '@billing/shared/event-store';

/** A business date: a real calendar date YYYY-MM-DD from 2000 to 2099 (DOMAIN.md "Dates"). */
export function IsBusinessDate(): PropertyDecorator {
  return ValidateBy({
    name: 'isBusinessDate',
    validator: {
      validate: (value) => isBusinessDate(value),
      defaultMessage: (args) =>
        `${args?.property} must be a calendar date YYYY-MM-DD from ${FIRST_BUSINESS_DATE} to ${LAST_BUSINESS_DATE}`,
    },
  });
}

/**
 * An amount of a command: within the exact integers money is kept in (±MAX_AMOUNT minor units, as
 * the domain refuses beyond), named with the other bad fields in one 400.
 */
export function WithinAmountLimit(): PropertyDecorator {
  return ValidateBy({
    name: 'withinAmountLimit',
    validator: {
      validate: (value) => typeof value !== 'number' || Math.abs(value) <= MAX_AMOUNT,
      defaultMessage: (args) =>
        `${args?.property} must be at most ${MAX_AMOUNT} minor units (either sign)`,
    },
  });
}

/** A command body that only carries its business date (defaults to today in the tenant's zone). */
export class DatedBody {
  @ApiPropertyOptional({
    format: 'date',
    description: 'business date, defaults to today',
    example: '2026-02-03',
  })
  @IsOptional()
  @IsBusinessDate()
  date?: string;
}

export class ReasonBody extends DatedBody {
  @ApiProperty({
    minLength: 1,
    description: 'why, recorded on the event',
    example: 'Owner stop-work order pending a design review',
  })
  @IsString()
  @IsNotEmpty()
  reason!: string;
}

/** A 400 naming the field (path or query parameter, header) that is wrong, as the pipe's do. */
export function invalidField(field: string, message: string): ValidationError {
  return invalidFields([[field, message]]);
}

/** A 400 naming every field that is wrong, with what is wrong with it. */
export function invalidFields(
  problems: readonly [field: string, message: string][],
): ValidationError {
  return new ValidationError(problems.map(([, message]) => message).join('; '), {
    errors: problems.map(([field, message]) => ({ field, messages: [message] })),
  });
}

/** A path parameter `accepts` takes, or a 400 naming it and saying what it must be. */
export function pathParam(
  name: string,
  accepts: (value: string) => boolean,
  rule: string,
): PipeTransform<string, string> {
  return {
    transform(value) {
      if (!accepts(value)) throw invalidField(name, `${name} ${rule}`);
      return value;
    },
  };
}

/** An id in the path (`:id`, `:customerId`…): a UUID, or a 400 naming it. */
export const uuidParam = (name: string) =>
  pathParam(name, (value) => isUUID(value), 'must be a UUID');

/** A business date in the path (`:periodEnd`): a calendar date from 2000 to 2099, or 400. */
export const businessDateParam = (name: string) =>
  pathParam(
    name,
    isBusinessDate,
    `must be a calendar date YYYY-MM-DD from ${FIRST_BUSINESS_DATE} to ${LAST_BUSINESS_DATE}`,
  );

/**
 * RFC 3339 (ISO 8601): a date, and a time with its offset; `Date` alone also reads '1',
 * '2026-02-30' and 'Tue Mar 01 2026'.
 */
const INSTANT =
  /^(\d{4}-\d{2}-\d{2})(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;

/** An RFC 3339 instant (a date alone is its midnight UTC), or undefined. */
export function instantOf(value: unknown): Date | undefined {
  const date = typeof value === 'string' ? INSTANT.exec(value)?.[1] : undefined;
  const instant = new Date(date ? (value as string) : Number.NaN);
  return date && isCalendarDate(date) && !Number.isNaN(instant.getTime()) ? instant : undefined;
}

/** A query field that is an ISO 8601 instant, as `instantOf` reads one. */
export function IsInstant(): PropertyDecorator {
  return ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value) => instantOf(value) !== undefined,
      defaultMessage: (args) =>
        `${args?.property} must be an ISO 8601 instant, such as 2026-02-03T10:00:00Z`,
    },
  });
}

function isCalendarDate(date: string): boolean {
  const midnight = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(midnight.getTime()) && midnight.toISOString().startsWith(date);
}

/**
 * `?at=&date=` of an audit view (ADR 17): as known at an instant, as of a business date, or both.
 */
export class AsOfQuery {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Known at: only events recorded by this instant count (defaults to now)',
    example: '2026-05-15T23:59:59Z',
  })
  @IsOptional()
  @IsString()
  at?: string;

  @ApiPropertyOptional({
    format: 'date',
    description:
      'As of this business date: only events dated on or before it count (defaults to every date)',
    example: '2026-04-30',
  })
  @IsOptional()
  @IsBusinessDate()
  date?: string;
}

export function asOfFrom(query: AsOfQuery, now: Date): AsOf {
  if (query.at === undefined && query.date === undefined)
    throw invalidField(
      'at',
      'give at (an ISO 8601 instant), date (a business date YYYY-MM-DD) or both',
    );
  const knownAt = query.at === undefined ? now : instantOf(query.at);
  if (!knownAt)
    throw invalidField('at', 'at must be an ISO 8601 instant, such as 2026-02-03T10:00:00Z');
  return { knownAt, date: query.date };
}

/**
 * A query integer is its digits: `Number()` would also read '', ' 5', '1e2', '0x10', and ones
 * beyond 2^53.
 */
export function integerOf(text: unknown): unknown {
  return typeof text === 'string' && /^-?\d{1,15}$/.test(text) ? Number(text) : text;
}

/** `?name=` as an integer, `absent` when not given, NaN when it is no integer. */
export function queryInteger(text: string | undefined, absent: number): number {
  const value = text === undefined ? absent : integerOf(text);
  return typeof value === 'number' ? value : Number.NaN;
}
