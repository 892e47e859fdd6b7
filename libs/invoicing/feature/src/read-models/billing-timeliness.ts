import { decimal, divideRounded } from '@billing/shared/kernel';
import type { TimelinessRow } from './billing-timeliness.projection';

/**
 * Days from certification to issue over some pay applications (ADR 20). Median and average are
 * decimals with two places.
 */
export interface DaysSummary {
  applications: number;
  totalDays: number;
  minDays: number;
  maxDays: number;
  medianDays: string;
  averageDays: string;
}

export interface ContractTimeliness extends DaysSummary {
  contractId: string;
  contractTitle: string;
  customerId: string;
  customerName: string;
}

/**
 * The median of an even count is the mean of the two middle values; the average is rounded half
 * away from zero to 1/100 day.
 */
export function summarize(days: readonly number[]): DaysSummary {
  const sorted = [...days].sort((a, b) => a - b);
  const n = sorted.length;
  const totalDays = sorted.reduce((total, value) => total + value, 0);
  if (n === 0)
    return {
      applications: 0,
      totalDays: 0,
      minDays: 0,
      maxDays: 0,
      medianDays: '0.00',
      averageDays: '0.00',
    };
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] * 100 : (sorted[n / 2 - 1] + sorted[n / 2]) * 50;
  return {
    applications: n,
    totalDays,
    minDays: sorted[0],
    maxDays: sorted[n - 1],
    medianDays: decimal(median),
    averageDays: decimal(divideRounded(BigInt(totalDays) * 100n, BigInt(n))),
  };
}

/** Per contract, by title: the summary of its applications issued in the period. */
export function byContract(rows: readonly TimelinessRow[]): ContractTimeliness[] {
  const contracts = new Map<string, TimelinessRow[]>();
  for (const row of rows)
    contracts.set(row.contractId, [...(contracts.get(row.contractId) ?? []), row]);
  return [...contracts.values()]
    .map((own) => {
      const { contractId, contractTitle, customerId, customerName } = own[0];
      return {
        contractId,
        contractTitle,
        customerId,
        customerName,
        ...summarize(own.map((row) => row.days)),
      };
    })
    .sort(
      (a, b) =>
        a.contractTitle.localeCompare(b.contractTitle) || a.contractId.localeCompare(b.contractId),
    );
}

export const TIMELINESS_COLUMNS = [
  'row',
  'contractId',
  'contractTitle',
  'customerId',
  'customerName',
  'applications',
  'totalDays',
  'minDays',
  'maxDays',
  'medianDays',
  'averageDays',
];

export const TIMELINESS_EXAMPLE = `${TIMELINESS_COLUMNS.join(',')}\r
contract,3f0c1e9a-5b7d-4c2e-8a61-0d9b2f4e7a13,Harbor Point Medical Office Building,7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f,Harbor Point Development LLC,4,5,0,2,1.00,1.25\r
overall,,,,,4,5,0,2,1.00,1.25\r
`;
