import { daysBetween } from '@billing/shared/kernel';

export type AgingBucket = 'current' | 'days1to30' | 'days31to60' | 'days61to90' | 'over90';
export const AGING_BUCKETS: AgingBucket[] = [
  'current',
  'days1to30',
  'days31to60',
  'days61to90',
  'over90',
];

/** DOMAIN.md "Aging": overdue from the day after the due date. */
export function agingBucket(dueDate: string, asOf: string): AgingBucket {
  const late = daysBetween(dueDate, asOf);
  if (late <= 0) return 'current';
  if (late <= 30) return 'days1to30';
  if (late <= 60) return 'days31to60';
  if (late <= 90) return 'days61to90';
  return 'over90';
}
