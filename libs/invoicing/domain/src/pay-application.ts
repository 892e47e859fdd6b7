import { applyRate, divideRounded, own, sum, FULL_RATE } from '@billing/shared/kernel';
import type {
  Amounts,
  CertifiedWork,
  ContractLine,
  G702,
  G703Line,
  RetainageStep,
} from './ledger.events';
import { issued, lastIssuedApplication, releasedSince, type Ledger } from './ledger';

export interface PreviousApplication {
  /** Work completed to date (D + E) per line on the previous issued, not voided, application. */
  workByLine: Record<string, number>;
  /**
   * Every certificate for payment before this one: the previous application's G702 line 6, plus
   * the retainage releases issued since (each bills that line 5, so each is paid in full already).
   */
  earnedLessRetainage: number;
}

export interface PayApplicationInput {
  originalSum: number;
  netChangeOrders: number;
  lines: readonly ContractLine[];
  certified: Record<string, CertifiedWork>;
  previous: PreviousApplication;
  retainage: readonly RetainageStep[];
  taxRate: number;
  /** Retainage released to date by issued, not voided, release invoices (0 when none). */
  retainageReleased: number;
}

/**
 * The step in force is the one with the highest threshold at or below the project's percent
 * complete at period end, G702 line 4 / line 3, compared exactly (DOMAIN.md "Retainage schedule").
 */
export function retainageStepFor(
  steps: readonly RetainageStep[],
  completedAndStored: number,
  contractSum: number,
): RetainageStep {
  const reached = steps.filter(
    (step) =>
      BigInt(step.threshold) * BigInt(contractSum) <=
      BigInt(completedAndStored) * BigInt(FULL_RATE),
  );
  return reached[reached.length - 1] ?? steps[0];
}

export function computePayApplication(
  input: PayApplicationInput,
): { g702: G702; g703: G703Line[] } & Amounts {
  const contractSumToDate = input.originalSum + input.netChangeOrders;
  const rows = input.lines.map((line) => {
    const certified = own(input.certified, line.lineId);
    const work = certified?.workCompletedToDate ?? 0;
    const stored = certified?.storedMaterials ?? 0;
    const fromPrevious = own(input.previous.workByLine, line.lineId) ?? 0;
    return { line, work, stored, fromPrevious };
  });
  const totalCompleted = sum(rows.map((row) => row.work + row.stored));
  const step = retainageStepFor(input.retainage, totalCompleted, contractSumToDate);
  const g703 = rows.map(({ line, work, stored, fromPrevious }): G703Line => {
    const completedAndStored = work + stored;
    return {
      item: line.item,
      lineId: line.lineId,
      description: line.description,
      scheduledValue: line.scheduledValue,
      fromPreviousApplication: fromPrevious,
      thisPeriod: work - fromPrevious,
      materialsPresentlyStored: stored,
      completedAndStoredToDate: completedAndStored,
      percentComplete:
        line.scheduledValue === 0
          ? 0
          : divideRounded(
              BigInt(completedAndStored) * BigInt(FULL_RATE),
              BigInt(Math.abs(line.scheduledValue)),
            ) * Math.sign(line.scheduledValue),
      balanceToFinish: line.scheduledValue - completedAndStored,
      retainage: applyRate(work, step.workRate) + applyRate(stored, step.materialsRate),
      workCompletedToDate: work,
    };
  });
  const retainageOnCompletedWork = sum(rows.map((row) => applyRate(row.work, step.workRate)));
  const retainageOnStoredMaterials = sum(
    rows.map((row) => applyRate(row.stored, step.materialsRate)),
  );
  // Line 5 is the retainage still held: the schedule's, less what releases already billed (never
  // below 0: a lower step in force later does not take back a release).
  const totalRetainage = Math.max(
    retainageOnCompletedWork + retainageOnStoredMaterials - input.retainageReleased,
    0,
  );
  const totalEarnedLessRetainage = totalCompleted - totalRetainage;
  const currentPaymentDue = totalEarnedLessRetainage - input.previous.earnedLessRetainage;
  const g702: G702 = {
    originalContractSum: input.originalSum,
    netChangeByChangeOrders: input.netChangeOrders,
    contractSumToDate,
    totalCompletedAndStoredToDate: totalCompleted,
    retainageOnCompletedWork,
    retainageOnStoredMaterials,
    ...(input.retainageReleased > 0 ? { retainageReleased: input.retainageReleased } : {}),
    totalRetainage,
    totalEarnedLessRetainage,
    lessPreviousCertificates: input.previous.earnedLessRetainage,
    currentPaymentDue,
    balanceToFinishIncludingRetainage: contractSumToDate - totalEarnedLessRetainage,
    retainageStep: step,
  };
  const tax = applyRate(currentPaymentDue, input.taxRate);
  return { g702, g703, amount: currentPaymentDue, tax, total: currentPaymentDue + tax };
}

/**
 * The pay application a ledger's certified work makes now, on top of its last issued application.
 */
export function payApplicationOf(ledger: Ledger): ReturnType<typeof computePayApplication> {
  return computePayApplication({
    originalSum: ledger.terms.originalSum,
    netChangeOrders: ledger.netChangeOrders,
    lines: ledger.lines,
    certified: ledger.certified,
    previous: previousApplication(ledger),
    retainage: ledger.terms.retainage,
    taxRate: ledger.terms.taxRate,
    retainageReleased: sum(issued(ledger, 'retainage-release').map((release) => release.amount)),
  });
}

function previousApplication(ledger: Ledger): PreviousApplication {
  const last = lastIssuedApplication(ledger);
  if (!last?.g702 || !last.g703) return { workByLine: {}, earnedLessRetainage: 0 };
  return {
    workByLine: Object.fromEntries(last.g703.map((row) => [row.lineId, row.workCompletedToDate])),
    earnedLessRetainage: last.g702.totalEarnedLessRetainage + releasedSince(ledger),
  };
}
