// Business dates are calendar dates (YYYY-MM-DD) given by the person acting (DOMAIN.md "Dates").

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/**
 * DOMAIN.md "Dates": business dates of this system fall in this century; anything else is a typo.
 */
export const FIRST_BUSINESS_DATE = '2000-01-01';
export const LAST_BUSINESS_DATE = '2099-12-31';

export function isBusinessDate(value: unknown): value is string {
  if (
    typeof value !== 'string' ||
    !DATE.test(value) ||
    value < FIRST_BUSINESS_DATE ||
    value > LAST_BUSINESS_DATE
  )
    return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

function toDays(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

export function addDays(date: string, days: number): string {
  return new Date((toDays(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return toDays(to) - toDays(from);
}

export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

export function endOfMonth(date: string): string {
  const [year, month] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** Today's calendar date in an IANA time zone, for commands that default their business date. */
export function dateInZone(instant: Date, timeZone: string): string {
  return formatterFor(timeZone).format(instant);
}

// Building an Intl.DateTimeFormat costs far more than using one (BENCHMARKS.md): one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter)
    formatters.set(
      timeZone,
      (formatter = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      })),
    );
  return formatter;
}
