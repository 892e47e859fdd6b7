// DOMAIN.md "Money": amounts are integer minor units; rates and percents are integers in
// hundredths of a percent (10% = 1000); rounding is half away from zero, per line.

export const FULL_RATE = 10_000;

const MINOR_DIGITS: Record<string, number> = {
  USD: 2,
  EUR: 2,
  GBP: 2,
  CAD: 2,
  AUD: 2,
  CHF: 2,
  NZD: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  MXN: 2,
  JPY: 0,
  KRW: 0,
  BHD: 3,
  KWD: 3,
};

export function isCurrency(code: string): boolean {
  return code in MINOR_DIGITS;
}

export function minorDigits(currency: string): number {
  const digits = MINOR_DIGITS[currency];
  if (digits === undefined) throw new RangeError(`unknown currency ${currency}`);
  return digits;
}

/**
 * DOMAIN.md "Money": the largest amount a command may carry, and the largest contract sum to date
 * and unapplied credit: 10^13 minor units (100 billion in a two-decimal currency). Whatever is
 * derived from them (tax at up to 100%, retainage, totals over a contract's documents) stays far
 * inside the integers a number holds exactly (2^53, about 9 x 10^15).
 */
export const MAX_AMOUNT = 10 ** 13;

/** An integer count of minor units within ±MAX_AMOUNT (what a command may carry). */
export function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && Math.abs(value) <= MAX_AMOUNT;
}

export function isRate(value: unknown): value is number {
  return isAmount(value) && value >= 0 && value <= FULL_RATE;
}

/** round(numerator / denominator), half away from zero, exact for any safe integers. */
export function divideRounded(numerator: bigint, denominator: bigint): number {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const quotient = (magnitude * 2n + denominator) / (denominator * 2n);
  return Number(negative ? -quotient : quotient);
}

/** amount x rate, rate in hundredths of a percent, rounded to the minor unit. */
export function applyRate(amount: number, rate: number): number {
  return divideRounded(BigInt(amount) * BigInt(rate), BigInt(FULL_RATE));
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}

/**
 * `total` split over parts in proportion to `weights` by the largest remainder method (DOMAIN.md
 * "Money"): each part is rounded down, and what that leaves goes one unit each to the parts with
 * the largest remainders (the first of equals first), so the parts sum exactly to `total`.
 */
export function splitByWeights(total: number, weights: readonly number[]): number[] {
  const whole = weights.reduce((all, weight) => all + BigInt(weight), 0n);
  if (whole === 0n) throw new RangeError('weights summing to zero split nothing');
  const sign = whole < 0n ? -1n : 1n;
  const exact = weights.map((weight) => BigInt(total) * BigInt(weight) * sign);
  const by = whole * sign;
  const floors = exact.map((value) => (value >= 0n ? value / by : -((-value + by - 1n) / by)));
  const remainders = exact.map((value, i) => value - floors[i] * by);
  let left = BigInt(total) - floors.reduce((all, part) => all + part, 0n);
  const order = weights
    .map((_, i) => i)
    .sort((a, b) =>
      remainders[b] > remainders[a] ? 1 : remainders[b] < remainders[a] ? -1 : a - b,
    );
  for (const i of order) {
    if (left === 0n) break;
    floors[i] += 1n;
    left -= 1n;
  }
  return floors.map(Number);
}

/** Hundredths (of a day, of a percent) as a decimal with two places: 1250 -> "12.50", -5 -> "-0.05". */
export function decimal(hundredths: number): string {
  const magnitude = Math.abs(hundredths);
  return `${hundredths < 0 ? '-' : ''}${Math.trunc(magnitude / 100)}.${String(magnitude % 100).padStart(2, '0')}`;
}

export function formatMoney(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = amount < 0 ? '-' : '';
  const text = Math.abs(amount)
    .toString()
    .padStart(digits + 1, '0');
  const units = digits ? text.slice(0, -digits) : text;
  const grouped = units.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${digits ? '.' + text.slice(-digits) : ''}`;
}
