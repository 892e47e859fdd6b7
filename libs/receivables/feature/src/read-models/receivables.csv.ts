import { AGING_BUCKETS } from '@billing/receivables/domain';
import type { agingAsOf } from './account-reports';
import type { AgingAnswer } from './aging.query';

// The receivables queries as CSV (ADR 20): the columns, the documented example, and the rows.

export const AGING_COLUMNS = [
  'row',
  'customerId',
  'customerName',
  'currency',
  ...AGING_BUCKETS,
  'total',
  'retainageHeld',
  'unappliedCredit',
];

export const AGING_EXAMPLE = `${AGING_COLUMNS.join(',')}\r
customer,7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f,Harbor Point Development LLC,USD,0,3296148,0,0,0,3296148,5106543,0\r
total,,,USD,0,3296148,0,0,0,3296148,5106543,0\r
`;

/**
 * The aging as CSV rows: its customers (`row` = customer), then one totals row per currency (`row`
 * = total).
 */
export function agingCsvRows({ customers, currencies }: AgingAnswer): Record<string, unknown>[] {
  return [
    ...customers.map(
      ({ customerId, customerName, currency, buckets, total, retainageHeld, unappliedCredit }) => ({
        row: 'customer',
        customerId,
        customerName,
        currency,
        ...buckets,
        total,
        retainageHeld,
        unappliedCredit,
      }),
    ),
    ...currencies.map(({ currency, buckets, total, retainageHeld, unappliedCredit }) => ({
      row: 'total',
      currency,
      ...buckets,
      total,
      retainageHeld,
      unappliedCredit,
    })),
  ];
}

export const CUSTOMER_AGING_COLUMNS = [
  'row',
  'customerId',
  'customerName',
  'currency',
  'invoiceId',
  'number',
  'dueDate',
  'bucket',
  'open',
  'retainageHeld',
  'unappliedCredit',
];

export const CUSTOMER_AGING_EXAMPLE = `${CUSTOMER_AGING_COLUMNS.join(',')}\r
invoice,7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f,Harbor Point Development LLC,USD,9b2f4e7a-0d9b-4c2e-8a61-3f0c1e9a5b7d,INV-2026-00002,2026-04-03,days1to30,3296148,,\r
bucket,7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f,Harbor Point Development LLC,USD,,,,days1to30,3296148,,\r
total,7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f,Harbor Point Development LLC,USD,,,,,3296148,5106543,0\r
`;

/**
 * One customer's aging as CSV rows: its open invoices, each bucket's sum, and the total with the
 * retainage held beside it.
 */
export function customerAgingCsvRows(
  aging: ReturnType<typeof agingAsOf>,
): Record<string, unknown>[] {
  const { customerId, customerName, currency } = aging;
  const who = { customerId, customerName, currency };
  return [
    ...aging.invoices.map((invoice) => ({ row: 'invoice', ...who, ...invoice })),
    ...AGING_BUCKETS.map((bucket) => ({
      row: 'bucket',
      ...who,
      bucket,
      open: aging.buckets[bucket],
    })),
    {
      row: 'total',
      ...who,
      open: aging.total,
      retainageHeld: aging.retainageHeld,
      unappliedCredit: aging.unappliedCredit,
    },
  ];
}

export const STATEMENT_COLUMNS = [
  'row',
  'customerId',
  'currency',
  'date',
  'kind',
  'reference',
  'amount',
  'balance',
];

export const STATEMENT_EXAMPLE = `${STATEMENT_COLUMNS.join(',')}\r
opening,7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f,USD,2026-01-01,,,,0\r
entry,7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f,USD,2026-02-03,invoice,INV-2026-00001,15714292,15714292\r
closing,7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f,USD,2026-06-30,,,,15714292\r
`;

/** A statement as CSV rows: the balance brought forward, each line, the closing balance. */
export function statementCsvRows(statement: {
  customerId: string;
  currency: string;
  from: string;
  to: string;
  openingBalance: number;
  lines: { date: string; kind: string; reference: string; amount: number; balance: number }[];
  closingBalance: number;
}): Record<string, unknown>[] {
  const { customerId, currency } = statement;
  return [
    {
      row: 'opening',
      customerId,
      currency,
      date: statement.from,
      balance: statement.openingBalance,
    },
    ...statement.lines.map((line) => ({ row: 'entry', customerId, currency, ...line })),
    { row: 'closing', customerId, currency, date: statement.to, balance: statement.closingBalance },
  ];
}

export const CASH_COLUMNS = [
  'row',
  'week',
  'weekStart',
  'weekEnd',
  'currency',
  'expected',
  'overdue',
];

export const CASH_EXAMPLE = `${CASH_COLUMNS.join(',')}\r
week,2026-W14,2026-03-30,2026-04-05,USD,3296148,3296148\r
week,2026-W19,2026-05-04,2026-05-10,USD,41240884,0\r
total,,,,USD,44537032,3296148\r
`;

/**
 * The forecast as CSV rows: its weeks (`row` = week), then one totals row per currency (`row` =
 * total).
 */
export function cashCsvRows(forecast: {
  weeks: object[];
  currencies: object[];
}): Record<string, unknown>[] {
  return [
    ...forecast.weeks.map((week) => ({ row: 'week', ...week })),
    ...forecast.currencies.map((totals) => ({ row: 'total', ...totals })),
  ];
}

export const DSO_COLUMNS = [
  'from',
  'to',
  'currency',
  'endingReceivables',
  'creditSales',
  'days',
  'dso',
];

export const DSO_EXAMPLE = `${DSO_COLUMNS.join(',')}\r
2026-01-01,2026-06-30,USD,44537032,113194742,181,71.22\r
`;
