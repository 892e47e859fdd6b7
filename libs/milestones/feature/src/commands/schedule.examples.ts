import type { BodyExample } from '@billing/shared/nest';

/**
 * The documented request examples, on the timeline of contracts.examples.ts (lines L1-L4 billed on
 * progress, M1-M2 on milestones).
 */
export const REPORT_PROGRESS: Record<string, BodyExample> = {
  january: {
    summary: 'Cumulative progress at the end of January, with materials stored on line 2',
    value: {
      periodEnd: '2026-01-31',
      reportedOn: '2026-02-01',
      lines: [
        { lineId: 'L1', percentComplete: 4000, storedMaterials: 0 },
        { lineId: 'L2', percentComplete: 1050, storedMaterials: 1_250_000 },
      ],
    },
  },
};

const dated = (summary: string, date: string, reason?: string): Record<string, BodyExample> => ({
  [reason ? 'withReason' : 'dated']: { summary, value: reason ? { date, reason } : { date } },
});

export const CERTIFY_PROGRESS = dated('Certified by the architect', '2026-02-02');
export const REJECT_PROGRESS = dated(
  'Sent back, with the reason',
  '2026-02-01',
  'Percent complete of line 2 not verified on site',
);
export const ACHIEVE_MILESTONE = dated('Reported achieved', '2026-01-20');
export const CERTIFY_MILESTONE = dated('Certified by the architect', '2026-02-04');
export const REJECT_MILESTONE = dated(
  'Sent back, with the reason',
  '2026-01-21',
  'Punch list items still open',
);
