import { addDays, daysBetween, divideRounded } from '@billing/shared/kernel';

// Cash expected by week and days sales outstanding: the rules of ADR 20.

/**
 * ISO 8601 week of a date: weeks start on Monday, week 1 holds the year's first Thursday (so
 * 2027-01-01 is in 2026-W53).
 */
export function isoWeekOf(date: string): { week: string; weekStart: string; weekEnd: string } {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
  const weekStart = addDays(date, 1 - day);
  const thursday = addDays(weekStart, 3);
  const year = thursday.slice(0, 4);
  const number = Math.floor(daysBetween(`${year}-01-01`, thursday) / 7) + 1;
  return {
    week: `${year}-W${String(number).padStart(2, '0')}`,
    weekStart,
    weekEnd: addDays(weekStart, 6),
  };
}

/**
 * Days sales outstanding over a period: ending receivables / credit sales of the period x days of
 * the period, in 1/100 day rounded half away from zero; undefined when the period sold nothing
 * (or credited more than it sold).
 */
export function dsoHundredths(
  endingReceivables: number,
  creditSales: number,
  days: number,
): number | undefined {
  if (creditSales <= 0) return undefined;
  return divideRounded(BigInt(endingReceivables) * BigInt(days) * 100n, BigInt(creditSales));
}

/** Calendar days of a period, both ends counted. */
export const periodDays = (from: string, to: string) => daysBetween(from, to) + 1;
