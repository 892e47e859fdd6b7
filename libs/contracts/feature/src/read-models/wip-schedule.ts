import {
  billedToDateAsOf,
  contractSumAsOf,
  wipFigures,
  type WipFigures,
} from '@billing/contracts/domain';
import type { RecordedEvent } from '@billing/shared/event-store';
import type { Doc, ReadModelStore } from '@billing/shared/read-models';
import type { ContractLedgerView } from './contract-ledger';

export const WIP_ROWS = 'wip_rows_v1';
export const WIP_TOTALS = 'wip_totals_v1';

/** What adds up over a schedule's contracts (per currency): the totals row of a WIP schedule. */
export const SUMMED = [
  'contractSum',
  'estimatedTotalCost',
  'estimatedGrossProfit',
  'costToDate',
  'costToComplete',
  'earnedToDate',
  'grossProfitToDate',
  'billedToDate',
  'overUnder',
  'overbilled',
  'underbilled',
] as const;
export type WipSums = Record<(typeof SUMMED)[number], number> & { contracts: number };

/**
 * One contract's line of the WIP schedule of a period, with every change of its sums by position
 * (so totals apply each change once).
 */
export interface WipRowView extends WipFigures {
  contractId: string;
  title: string;
  customerId: string;
  customerName: string;
  currency: string;
  periodEnd: string;
  reportedOn: string;
  history: { position: number; sums: WipSums }[];
}

/** A tenant's WIP schedule totals for one period, per currency. */
export interface WipTotalsView {
  periodEnd: string;
  currencies: Record<string, WipSums>;
}

export const wipRowKey = (contractId: string, periodEnd: string) => `${contractId}/${periodEnd}`;
export const wipTotalsKey = (tenantId: string, periodEnd: string) => `${tenantId}/${periodEnd}`;

/**
 * The contract's WIP line for a period it reported costs for (ADR 20): every figure as of the
 * period end.
 */
export function wipOf(ledger: ContractLedgerView, periodEnd: string): WipFigures {
  const { costToDate, estimatedTotalCost } = ledger.costs[periodEnd];
  const contractSum = contractSumAsOf(ledger.originalSum, ledger.changeOrders, periodEnd);
  return wipFigures({
    contractSum,
    costToDate,
    estimatedTotalCost,
    billedToDate: billedToDateAsOf(Object.values(ledger.documents), periodEnd),
  });
}

export const emptySums = (): WipSums => ({
  ...(Object.fromEntries(SUMMED.map((name) => [name, 0])) as Record<
    (typeof SUMMED)[number],
    number
  >),
  contracts: 0,
});

export function sumsOf(figures: WipFigures): WipSums {
  return {
    ...(Object.fromEntries(SUMMED.map((name) => [name, figures[name]])) as Record<
      (typeof SUMMED)[number],
      number
    >),
    contracts: 1,
  };
}

export function addSums(a: WipSums, b: WipSums, sign = 1): WipSums {
  const total = emptySums();
  for (const name of [...SUMMED, 'contracts'] as const) total[name] = a[name] + sign * b[name];
  return total;
}

/**
 * After an event that can move a WIP figure (a cost report, a change order, a billing document),
 * each of the contract's rows of the periods it can move whose figures changed takes a new history
 * entry at this position, and the period's totals take the change. Both come from the rows'
 * histories, not from what a document holds now: a run handled again after a partial write changes
 * nothing twice.
 */
export async function updateWipSchedule(
  store: ReadModelStore,
  recorded: RecordedEvent,
  ledger: ContractLedgerView,
  moved: (periodEnd: string) => boolean,
): Promise<void> {
  const { position } = recorded;
  const changes = new Map<string, WipSums>();
  for (const periodEnd of Object.keys(ledger.costs).filter(moved).sort()) {
    const row = await store.get<WipRowView>(WIP_ROWS, wipRowKey(ledger.contractId, periodEnd));
    if (!row || row._position < position) await writeRow(store, ledger, periodEnd, row, position);
    const change = changeAt(
      (await store.get<WipRowView>(WIP_ROWS, wipRowKey(ledger.contractId, periodEnd)))?.history ??
        [],
      position,
    );
    if (change) changes.set(periodEnd, change);
  }
  for (const [periodEnd, change] of changes)
    await store.apply<WipTotalsView>(
      WIP_TOTALS,
      wipTotalsKey(recorded.metadata.tenantId, periodEnd),
      position,
      (current) => {
        const was = current?.currencies[ledger.currency] ?? emptySums();
        return {
          periodEnd,
          currencies: { ...current?.currencies, [ledger.currency]: addSums(was, change) },
        };
      },
    );
}

async function writeRow(
  store: ReadModelStore,
  ledger: ContractLedgerView,
  periodEnd: string,
  row: Doc<WipRowView> | undefined,
  position: number,
) {
  const figures = wipOf(ledger, periodEnd);
  const { reportedOn } = ledger.costs[periodEnd];
  const sums = sumsOf(figures);
  if (row && row.reportedOn === reportedOn && SUMMED.every((name) => row[name] === figures[name]))
    return;
  const { contractId, title, customerId, customerName, currency } = ledger;
  await store.apply<WipRowView>(
    WIP_ROWS,
    wipRowKey(contractId, periodEnd),
    position,
    (current) => ({
      contractId,
      title,
      customerId,
      customerName,
      currency,
      periodEnd,
      reportedOn,
      ...figures,
      history: [...(current?.history ?? []), { position, sums }],
    }),
  );
}

/** What the row's sums changed by at this position, if it changed then. */
function changeAt(history: WipRowView['history'], position: number): WipSums | undefined {
  const at = history.find((entry) => entry.position === position);
  if (!at) return undefined;
  const before = history.filter((entry) => entry.position < position).at(-1)?.sums ?? emptySums();
  return addSums(at.sums, before, -1);
}
