import { isBusinessDate } from './dates';
import { RuleViolation, ValidationError } from './errors';

export function requireDate(date: string, what = 'date'): string {
  if (!isBusinessDate(date))
    throw new ValidationError(
      `${what} ${String(date)} is not a calendar date (YYYY-MM-DD) from 2000 to 2099`,
    );
  return date;
}

export function requireReason(reason: string | undefined): string {
  if (!reason?.trim()) throw new ValidationError('a reason is required');
  return reason;
}

/**
 * ADR 17: an aggregate's dated events follow what they build on (`earlier`, the date of it; unknown
 * for state folded from events before such dates were kept: then anything goes).
 */
export function requireNotBefore(
  earlier: string | undefined,
  date: string,
  what: string,
  after: string,
): void {
  if (earlier !== undefined && date < earlier)
    throw new RuleViolation(`${what} on or after ${after} (${earlier}), not on ${date}`);
}

/**
 * `record[key]` if the record holds it itself: a key a client chose (a line id `toString` or
 * `__proto__`) never reads what every object inherits.
 */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
