import { isBusinessDate } from './dates';
import { ValidationError } from './errors';

export function requireDate(date: string, what = 'date'): string {
  if (!isBusinessDate(date)) throw new ValidationError(`${what} ${String(date)} is not a calendar date (YYYY-MM-DD) from 2000 to 2099`);
  return date;
}

export function requireReason(reason: string | undefined): string {
  if (!reason?.trim()) throw new ValidationError('a reason is required');
  return reason;
}
