import { degradedBy } from '@billing/shared/nest';
import type { ContractLedgerFigures } from './contract-ledger';
import {
  addSums,
  emptySums,
  sumsOf,
  SUMMED,
  type WipRowView,
  type WipSums,
  type WipTotalsView,
} from './wip-schedule';

/**
 * A read-model document's parked-event marker, kept on the answer built from it (the read-model
 * interceptor shows it as `degraded`).
 */
export function withParked<T extends object>(doc: object, answer: T): T {
  return '_parked' in doc ? { ...answer, _parked: doc._parked } : answer;
}

export const LEDGER_COLUMNS: readonly (keyof ContractLedgerFigures)[] = [
  'contractId',
  'title',
  'customerId',
  'customerName',
  'currency',
  'status',
  'originalSum',
  'netChangeOrders',
  'contractSumToDate',
  'completedAndStoredToDate',
  'billedNet',
  'billedTax',
  'billedTotal',
  'retainageHeld',
  'retainageReleased',
  'paid',
  'outstanding',
  'remainingToBill',
];

export const LEDGER_EXAMPLE = `${LEDGER_COLUMNS.join(',')}\r
3f0c1e9a-5b7d-4c2e-8a61-0d9b2f4e7a13,Harbor Point Medical Office Building,7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f,Harbor Point Development LLC,USD,active,100000000,4567890,104567890,15716420,14144778,1166944,15311722,1571642,0,15311722,0,90423112\r
`;

export type WipRowAnswer = Omit<WipRowView, 'history'> & { degraded?: { parkedEvents: unknown } };

/**
 * A WIP line as answered: the row without its history and the store's fields (it may sit inside a
 * schedule, where the read-model interceptor does not look).
 */
export function wipRow(view: WipRowView): WipRowAnswer {
  const {
    history: _history,
    _id,
    _position,
    _tenant,
    _parked,
    ...row
  } = view as WipRowView & Record<'_id' | '_position' | '_tenant' | '_parked', unknown>;
  return _parked ? { ...row, degraded: degradedBy(_parked) } : row;
}

export interface WipTotalsAnswer extends WipSums {
  currency: string;
}

/** Totals per currency: the kept totals of the period, or the sums of the selected rows. */
export function wipTotals(
  kept: WipTotalsView | undefined,
  selected: WipRowView[] | undefined,
): WipTotalsAnswer[] {
  const currencies: Record<string, WipSums> = { ...kept?.currencies };
  for (const row of selected ?? [])
    currencies[row.currency] = addSums(currencies[row.currency] ?? emptySums(), sumsOf(row));
  return Object.entries(currencies)
    .filter(([, sums]) => sums.contracts > 0)
    .map(
      ([currency, sums]) =>
        ({
          currency,
          contracts: sums.contracts,
          ...Object.fromEntries(SUMMED.map((name) => [name, sums[name]])),
        }) as WipTotalsAnswer,
    )
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

export const WIP_COLUMNS = [
  'row',
  'contractId',
  'title',
  'customerId',
  'customerName',
  'currency',
  'periodEnd',
  'reportedOn',
  'contracts',
  'percentComplete',
  ...SUMMED,
] as const;

export const WIP_EXAMPLE = `${WIP_COLUMNS.join(',')}\r
contract,3f0c1e9a-5b7d-4c2e-8a61-0d9b2f4e7a13,Harbor Point Medical Office Building,7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f,Harbor Point Development LLC,USD,2026-01-31,2026-02-05,,800,100000000,80000000,20000000,6400000,73600000,8000000,1600000,7500000,-500000,0,500000\r
total,,,,,USD,2026-01-31,,1,,100000000,80000000,20000000,6400000,73600000,8000000,1600000,7500000,-500000,0,500000\r
`;

/**
 * The schedule as CSV rows: its contracts (`row` = contract), then one totals row per currency
 * (`row` = total).
 */
export function wipCsvRows(schedule: {
  periodEnd: string;
  contracts: WipRowAnswer[];
  currencies: WipTotalsAnswer[];
}): Record<string, unknown>[] {
  return [
    ...schedule.contracts.map((row) => ({ row: 'contract', ...row })),
    ...schedule.currencies.map((totals) => ({
      row: 'total',
      periodEnd: schedule.periodEnd,
      ...totals,
    })),
  ];
}
