import type { BodyExample } from '@billing/shared/nest';

/**
 * The documented request examples, one timeline: a USD 1,000,000.00 building billed on progress and
 * a USD 10,000.00 parking structure billed on milestones, for one customer. Each is a body the
 * operation accepts in scenario order (apps/standalone/src/openapi.int.spec.ts posts them).
 */
const CUSTOMER = {
  id: '7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f',
  name: 'Harbor Point Development LLC',
  email: 'ap@harborpoint.example',
  address: '100 Quay Street, Portland ME',
};

export const CREATE_CONTRACT: Record<string, BodyExample> = {
  progress: {
    summary: 'Billed on progress: 10% retainage, 5% from half complete, 8.25% tax, net 30',
    value: {
      customer: CUSTOMER,
      title: 'Harbor Point Medical Office Building',
      currency: 'USD',
      originalSum: 100_000_000,
      basis: 'progress',
      retainage: [
        { threshold: 0, workRate: 1000, materialsRate: 1000 },
        { threshold: 5000, workRate: 500, materialsRate: 500 },
      ],
      taxRate: 825,
      paymentTermsDays: 30,
      poNumber: 'HP-2026-001',
      startDate: '2026-01-05',
      lines: [
        {
          lineId: 'L1',
          item: '1',
          description: 'Sitework and foundations',
          scheduledValue: 23_750_000,
        },
        {
          lineId: 'L2',
          item: '2',
          description: 'Structure and envelope',
          scheduledValue: 51_234_567,
        },
        { lineId: 'L3', item: '3', description: 'Interior finishes', scheduledValue: 25_015_433 },
      ],
    },
  },
  milestone: {
    summary: 'Billed on milestones: no retainage, tax exempt, net 30',
    value: {
      customer: CUSTOMER,
      title: 'Harbor Point Parking Structure',
      currency: 'USD',
      originalSum: 1_000_000,
      basis: 'milestone',
      retainage: [{ threshold: 0, workRate: 0, materialsRate: 0 }],
      taxRate: 0,
      paymentTermsDays: 30,
      poNumber: 'HP-2026-002',
      startDate: '2026-01-05',
      lines: [
        { lineId: 'M1', item: '1', description: 'Foundations complete', scheduledValue: 600_000 },
        { lineId: 'M2', item: '2', description: 'Structure topped out', scheduledValue: 400_000 },
      ],
    },
  },
};

export const REVISE_SCHEDULE: Record<string, BodyExample> = {
  rebalanced: {
    summary:
      'The schedule of values rebalanced before activation (it must sum to the contract sum to activate)',
    value: {
      lines: [
        {
          lineId: 'L1',
          item: '1',
          description: 'Sitework and foundations',
          scheduledValue: 25_000_000,
        },
        {
          lineId: 'L2',
          item: '2',
          description: 'Structure and envelope',
          scheduledValue: 50_000_000,
        },
        { lineId: 'L3', item: '3', description: 'Interior finishes', scheduledValue: 25_000_000 },
      ],
    },
  },
};

export const CHANGE_ORDER: Record<string, BodyExample> = {
  addition: {
    summary: 'An addition: its lines sum to its amount',
    value: {
      number: 'CO-001',
      description: 'Additional storm drainage',
      amount: 4_567_890,
      approvedOn: '2026-02-10',
      lines: [
        {
          lineId: 'L4',
          item: '4',
          description: 'Storm drainage (CO-001)',
          scheduledValue: 4_567_890,
        },
      ],
    },
  },
};

const dated = (summary: string, date: string, reason?: string): Record<string, BodyExample> => ({
  [reason ? 'withReason' : 'dated']: { summary, value: reason ? { date, reason } : { date } },
});

export const ACTIVATE = dated('Activated on its start date', '2026-01-05');
export const SUSPEND = dated(
  'Suspended, with the reason',
  '2026-03-10',
  'Owner stop-work order pending a design review',
);
export const RESUME = dated('Resumed', '2026-03-20');
export const COMPLETE = dated('Substantially complete', '2026-04-30');
export const CLOSE = dated('Closed once fully billed and paid', '2026-07-31');
export const CANCEL = dated(
  'Cancelled before activation, with the reason',
  '2026-01-06',
  'Entered twice; the other contract stands',
);

export const REPORT_COSTS: Record<string, BodyExample> = {
  january: {
    summary: "January's job cost: 8% of the estimated total cost incurred",
    value: {
      periodEnd: '2026-01-31',
      costToDate: 6_400_000,
      estimatedTotalCost: 80_000_000,
      date: '2026-02-05',
    },
  },
};
