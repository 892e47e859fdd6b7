import { addDays, daysBetween, endOfMonth, isBusinessDate } from './dates';
import fc from 'fast-check';
import { applyRate, decimal, divideRounded, formatMoney, splitByWeights, sum } from './money';

describe('money', () => {
  it('rounds half away from zero to the minor unit', () => {
    expect(applyRate(5, 5000)).toBe(3); // 2.5 -> 3
    expect(applyRate(-5, 5000)).toBe(-3); // -2.5 -> -3
    expect(applyRate(4_567_890, 500)).toBe(228_395); // 228 394.5
    expect(applyRate(51_234_567, 1050)).toBe(5_379_630); // 5 379 629.535
    expect(applyRate(14_516_667, 825)).toBe(1_197_625); // 1 197 625.0275
    expect(divideRounded(7n, 2n)).toBe(4);
    expect(divideRounded(-7n, 2n)).toBe(-4);
  });

  it('is exact where floats are not', () => {
    expect(applyRate(9_007_199_254_740, 10000)).toBe(9_007_199_254_740);
    expect(applyRate(1_005, 5000)).toBe(503); // 502.5, where 1005 * 0.5 in floats is fine but 1.005 * 100 is not
  });

  it('splits an amount by weights with the largest remainder method, exactly', () => {
    expect(splitByWeights(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(splitByWeights(5_000, [20_000, 30_000])).toEqual([2_000, 3_000]);
    expect(splitByWeights(7, [1, 2, 4])).toEqual([1, 2, 4]);
    expect(splitByWeights(10, [1, 2, 4])).toEqual([1, 3, 6]); // 1.43, 2.86, 5.71
    expect(splitByWeights(100, [3, -1])).toEqual([150, -50]); // a deduction line
    expect(() => splitByWeights(1, [1, -1])).toThrow(RangeError);
    // Weights summing past 2^53 are added exactly (in floats the three 1s would vanish).
    expect(splitByWeights(Number.MAX_SAFE_INTEGER, [Number.MAX_SAFE_INTEGER, 1, 1, 1])).toEqual([
      Number.MAX_SAFE_INTEGER - 3,
      1,
      1,
      1,
    ]);
    fc.assert(
      fc.property(
        fc.integer({ min: -1e7, max: 1e7 }),
        fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          fc.pre(sum(weights) !== 0);
          const parts = splitByWeights(total, weights);
          expect(sum(parts)).toBe(total);
          // Each part within one unit of its exact share.
          parts.forEach((part, i) =>
            expect(Math.abs(part - (total * weights[i]) / sum(weights))).toBeLessThan(1 + 1e-6),
          );
        },
      ),
    );
  });

  it('formats by the currency minor unit', () => {
    expect(formatMoney(100_000_000, 'USD')).toBe('1,000,000.00');
    expect(formatMoney(-5, 'USD')).toBe('-0.05');
    expect(formatMoney(1234, 'JPY')).toBe('1,234');
  });
});

describe('business dates', () => {
  it('accepts real calendar dates only', () => {
    expect(isBusinessDate('2026-02-28')).toBe(true);
    expect(isBusinessDate('2026-02-30')).toBe(false);
    expect(isBusinessDate('2026-2-3')).toBe(false);
  });
  it('counts calendar days', () => {
    expect(addDays('2026-01-31', 30)).toBe('2026-03-02');
    expect(daysBetween('2026-04-03', '2026-05-31')).toBe(58);
    expect(endOfMonth('2028-02-10')).toBe('2028-02-29');
  });
});

describe('decimal', () => {
  it('writes hundredths with two places, the sign before', () => {
    expect([1250, -5, 0, 7, -100, 123_456].map(decimal)).toEqual([
      '12.50',
      '-0.05',
      '0.00',
      '0.07',
      '-1.00',
      '1234.56',
    ]);
  });
});
