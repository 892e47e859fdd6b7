import { divideRounded, FULL_RATE, sum } from '@billing/shared/kernel';

// Over/under billing (work in progress) by the cost-to-cost method: the rules of ADR 20, to the
// minor unit.

/** One contract's WIP line for a period. */
export interface WipFigures {
  /** Original sum plus the change orders approved on or before the period end. */
  contractSum: number;
  estimatedTotalCost: number;
  /** contractSum - estimatedTotalCost (below zero: a loss is expected). */
  estimatedGrossProfit: number;
  costToDate: number;
  /** estimatedTotalCost - costToDate. */
  costToComplete: number;
  /**
   * costToDate / estimatedTotalCost in 1/100 %, rounded half away from zero: shown, never
   * multiplied.
   */
  percentComplete: number;
  /**
   * round(contractSum x costToDate / estimatedTotalCost), half away from zero, computed exactly
   * (not from the rounded percent).
   */
  earnedToDate: number;
  /** earnedToDate - costToDate. */
  grossProfitToDate: number;
  /**
   * G702 line 4 of the last pay application issued on or before the period end and not voided by
   * then.
   */
  billedToDate: number;
  /**
   * billedToDate - earnedToDate: above zero overbilled (a liability), below zero underbilled (an
   * asset).
   */
  overUnder: number;
  overbilled: number;
  underbilled: number;
}

export interface WipInput {
  contractSum: number;
  costToDate: number;
  estimatedTotalCost: number;
  billedToDate: number;
}

export function wipFigures({
  contractSum,
  costToDate,
  estimatedTotalCost,
  billedToDate,
}: WipInput): WipFigures {
  if (estimatedTotalCost <= 0) throw new RangeError('the estimated total cost must be positive');
  const earnedToDate = divideRounded(
    BigInt(contractSum) * BigInt(costToDate),
    BigInt(estimatedTotalCost),
  );
  const overUnder = billedToDate - earnedToDate;
  return {
    contractSum,
    estimatedTotalCost,
    estimatedGrossProfit: contractSum - estimatedTotalCost,
    costToDate,
    costToComplete: estimatedTotalCost - costToDate,
    percentComplete: divideRounded(
      BigInt(costToDate) * BigInt(FULL_RATE),
      BigInt(estimatedTotalCost),
    ),
    earnedToDate,
    grossProfitToDate: earnedToDate - costToDate,
    billedToDate,
    overUnder,
    overbilled: Math.max(0, overUnder),
    underbilled: Math.max(0, -overUnder),
  };
}

/**
 * The contract sum as of a date: the original sum and the change orders approved on or before it.
 */
export function contractSumAsOf(
  originalSum: number,
  changeOrders: readonly { amount: number; approvedOn: string }[],
  asOf: string,
): number {
  return (
    originalSum +
    sum(changeOrders.filter((order) => order.approvedOn <= asOf).map((order) => order.amount))
  );
}

/**
 * An issued document as the WIP reads it: when it was issued (and voided), and G702 line 4 once it
 * was issued.
 */
export interface BilledDocument {
  issuedOn: string;
  voidedOn?: string;
  completedAndStoredToDate: number;
  /**
   * Order of issue among the contract's documents: breaks ties between documents issued the same
   * day.
   */
  sequence: number;
}

/**
 * Billed to date as of a date: line 4 as it stood after the last document issued on or before it
 * and not voided on or before it (only the latest application can be voided, so the one before it
 * is then the last); 0 before the first.
 */
export function billedToDateAsOf(documents: readonly BilledDocument[], asOf: string): number {
  const live = documents.filter(
    (document) =>
      document.issuedOn <= asOf && !(document.voidedOn !== undefined && document.voidedOn <= asOf),
  );
  const last = live
    .sort((a, b) => a.issuedOn.localeCompare(b.issuedOn) || a.sequence - b.sequence)
    .at(-1);
  return last?.completedAndStoredToDate ?? 0;
}
