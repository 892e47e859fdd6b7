import { dsoHundredths, isoWeekOf, periodDays } from './index';

describe('cash expected by week and DSO (ADR 20)', () => {
  it.each([
    ['2026-01-01', '2026-W01', '2025-12-29', '2026-01-04'],
    ['2026-01-04', '2026-W01', '2025-12-29', '2026-01-04'],
    ['2026-01-05', '2026-W02', '2026-01-05', '2026-01-11'],
    ['2026-12-31', '2026-W53', '2026-12-28', '2027-01-03'],
    ['2027-01-03', '2026-W53', '2026-12-28', '2027-01-03'],
    ['2027-01-04', '2027-W01', '2027-01-04', '2027-01-10'],
    ['2024-12-30', '2025-W01', '2024-12-30', '2025-01-05'],
    ['2026-03-04', '2026-W10', '2026-03-02', '2026-03-08'],
  ])('puts %s in ISO week %s (%s to %s)', (date, week, weekStart, weekEnd) => {
    expect(isoWeekOf(date)).toEqual({ week, weekStart, weekEnd });
  });

  it('divides ending receivables by credit sales times the days, in hundredths rounded half away from zero', () => {
    expect(periodDays('2026-01-01', '2026-03-31')).toBe(90);
    // 50,000 / 150,000 x 90 = 30 days exactly; 1 / 3 x 1 = 0.333… -> 0.33; 1 / 8 x 1 = 0.125 ->
    // 0.13.
    expect([
      dsoHundredths(50_000, 150_000, 90),
      dsoHundredths(1, 3, 1),
      dsoHundredths(1, 8, 1),
    ]).toEqual([3000, 33, 13]);
    expect([dsoHundredths(10, 0, 30), dsoHundredths(10, -5, 30)]).toEqual([undefined, undefined]);
  });
});
