import {
  requireDate,
  requireNotBefore,
  requireReason,
  assertNever,
  isAmount,
  MAX_AMOUNT,
  isCurrency,
  isRate,
  IllegalStateError,
  NotFoundError,
  RuleViolation,
  ValidationError,
  FULL_RATE,
  endOfMonth,
} from '@billing/shared/kernel';
import type { ContractCommand } from './contract.commands';
import type { ContractEvent, ContractTerms, RetainageStep, ScheduleLine } from './contract.events';
import {
  contractSumToDate,
  scheduledTotal,
  type Contract,
  type ContractState,
  type ContractStatus,
} from './contract';

type Command<T extends ContractCommand['type']> = Extract<ContractCommand, { type: T }>;

export function decide(command: ContractCommand, state: ContractState): ContractEvent[] {
  if (command.type === 'CreateContract') return createContract(state, command);
  if (state.status === 'none') throw new NotFoundError('contract not found');
  switch (command.type) {
    case 'ReviseScheduleOfValues':
      return reviseSchedule(state, command);
    case 'ActivateContract':
      return activate(state, command);
    case 'ApproveChangeOrder':
      return approveChangeOrder(state, command);
    case 'SuspendContract':
      return suspend(state, command);
    case 'ResumeContract':
      return resume(state, command);
    case 'CompleteContract':
      return complete(state, command);
    case 'CloseContract':
      return close(state, command);
    case 'CancelContract':
      return cancel(state, command);
    case 'RecordBillingFigures':
      return recordBillingFigures(state, command);
    case 'ReportCosts':
      return reportCosts(state, command);
    case 'RecordInvoiceBalance': {
      const { invoiceId, paid, open, on } = command;
      const before = state.invoices[invoiceId] ?? { paid: 0, open: 0 };
      const change = { paid: paid - before.paid, open: open - before.open };
      return [
        {
          type: 'InvoiceBalanceRecorded',
          data: {
            contractId: state.contractId,
            invoiceId,
            paid,
            open,
            ...(on ? { on, change } : {}),
          },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

function createContract(state: ContractState, command: Command<'CreateContract'>): ContractEvent[] {
  if (state.status !== 'none')
    throw new IllegalStateError(`contract ${command.contractId} already exists`);
  validateTerms(command.terms);
  validateLines(command.lines, []);
  if (scheduledTotal(command.lines) > command.terms.originalSum)
    throw new RuleViolation('the schedule of values exceeds the contract sum');
  return [
    {
      type: 'ContractCreated',
      data: {
        contractId: command.contractId,
        terms: command.terms,
        lines: command.lines,
        createdOn: command.createdOn,
      },
    },
  ];
}

function reviseSchedule(
  contract: Contract,
  command: Command<'ReviseScheduleOfValues'>,
): ContractEvent[] {
  requireStatus(contract, ['draft'], 'revise the schedule of values');
  validateLines(command.lines, []);
  if (scheduledTotal(command.lines) > contractSumToDate(contract))
    throw new RuleViolation('the schedule of values exceeds the contract sum');
  return [
    {
      type: 'ScheduleOfValuesRevised',
      data: { contractId: contract.contractId, lines: command.lines },
    },
  ];
}

function activate(contract: Contract, command: Command<'ActivateContract'>): ContractEvent[] {
  requireStatus(contract, ['draft'], 'activate');
  const scheduled = scheduledTotal(contract.lines);
  if (scheduled !== contractSumToDate(contract))
    throw new RuleViolation(
      `the schedule of values (${scheduled}) must equal the contract sum (${contractSumToDate(contract)}) before activation`,
    );
  const { contractId, terms, lines } = contract;
  return [
    {
      type: 'ContractActivated',
      data: { contractId, activatedOn: requireDate(command.activatedOn), terms, lines },
    },
  ];
}

function approveChangeOrder(
  contract: Contract,
  command: Command<'ApproveChangeOrder'>,
): ContractEvent[] {
  requireStatus(contract, ['active', 'suspended'], 'approve a change order');
  requireNotBefore(
    contract.activatedOn,
    requireDate(command.approvedOn),
    'a change order is approved',
    'the activation',
  );
  if (contract.changeOrders.some((co) => co.changeOrderId === command.changeOrderId))
    throw new IllegalStateError(`change order ${command.number} is already approved`);
  // A number is the change order's name on the contract: the same one entered twice (a new id per
  // request) is refused.
  const named = contract.changeOrders.find((co) => sameNumber(co.number, command.number));
  if (named)
    throw new IllegalStateError(
      `change order ${command.number.trim()} is already approved on this contract (as ${named.number})`,
    );
  if (!isAmount(command.amount) || command.amount === 0)
    throw new ValidationError(
      `a change order amount is a non-zero amount in minor units (at most ${MAX_AMOUNT})`,
    );
  validateLines(command.lines, contract.lines, true);
  if (scheduledTotal(command.lines) !== command.amount)
    throw new RuleViolation(
      'the lines a change order adds must sum to its amount, so the schedule of values keeps equal to the contract sum',
    );
  const sumAfter = contractSumToDate(contract) + command.amount;
  if (sumAfter <= 0 || sumAfter > MAX_AMOUNT)
    throw new RuleViolation(
      `the contract sum to date would be ${sumAfter}: it stays above 0 and at most ${MAX_AMOUNT}`,
    );
  if (sumAfter < contract.figures.completedAndStoredToDate)
    throw new RuleViolation(
      `the contract sum to date would be ${sumAfter}, below the ${contract.figures.completedAndStoredToDate} completed and billed to date`,
    );
  const { changeOrderId, number, description, amount, approvedOn, lines } = command;
  return [
    {
      type: 'ChangeOrderApproved',
      data: {
        contractId: contract.contractId,
        changeOrderId,
        number,
        description,
        amount,
        approvedOn: requireDate(approvedOn),
        lines,
      },
    },
  ];
}

function suspend(contract: Contract, command: Command<'SuspendContract'>): ContractEvent[] {
  requireStatus(contract, ['active'], 'suspend');
  requireReason(command.reason);
  requireNotBefore(
    contract.statusSince,
    requireDate(command.suspendedOn),
    'a suspension is dated',
    'the contract became active',
  );
  return [
    {
      type: 'ContractSuspended',
      data: {
        contractId: contract.contractId,
        suspendedOn: command.suspendedOn,
        reason: command.reason,
      },
    },
  ];
}

function resume(contract: Contract, command: Command<'ResumeContract'>): ContractEvent[] {
  requireStatus(contract, ['suspended'], 'resume');
  requireNotBefore(
    contract.statusSince,
    requireDate(command.resumedOn),
    'a resumption is dated',
    'the suspension',
  );
  return [
    {
      type: 'ContractResumed',
      data: { contractId: contract.contractId, resumedOn: command.resumedOn },
    },
  ];
}

function complete(contract: Contract, command: Command<'CompleteContract'>): ContractEvent[] {
  requireStatus(contract, ['active'], 'complete');
  requireNotBefore(
    contract.statusSince,
    requireDate(command.completedOn),
    'a completion is dated',
    'the contract became active',
  );
  return [
    {
      type: 'ContractCompleted',
      data: { contractId: contract.contractId, completedOn: command.completedOn },
    },
  ];
}

function close(contract: Contract, command: Command<'CloseContract'>): ContractEvent[] {
  requireStatus(contract, ['completed'], 'close');
  // The date first: a close its figures refuse is asked again for a while (contracts.http.ts).
  requireNotBefore(
    contract.completedOn,
    requireDate(command.closedOn),
    'a closing is dated',
    'the completion',
  );
  assertNothingOpen(contract);
  return [
    {
      type: 'ContractClosed',
      data: { contractId: contract.contractId, closedOn: command.closedOn },
    },
  ];
}

function cancel(contract: Contract, command: Command<'CancelContract'>): ContractEvent[] {
  requireStatus(contract, ['draft'], 'cancel');
  requireReason(command.reason);
  return [
    {
      type: 'ContractCancelled',
      data: {
        contractId: contract.contractId,
        cancelledOn: requireDate(command.cancelledOn),
        reason: command.reason,
      },
    },
  ];
}

function recordBillingFigures(
  contract: Contract,
  command: Command<'RecordBillingFigures'>,
): ContractEvent[] {
  const { documentId, figures, document } = command;
  return [
    {
      type: 'BillingFiguresRecorded',
      data: {
        contractId: contract.contractId,
        documentId,
        figures,
        ...(document ? { document } : {}),
      },
    },
  ];
}

/**
 * ADR 20: a period's job cost, reported once the period has ended; a report equal to the one
 * standing for the period changes nothing.
 */
function reportCosts(contract: Contract, command: Command<'ReportCosts'>): ContractEvent[] {
  // Costs come in after completion and closing too (late vendor invoices): only a draft or a
  // cancelled contract has none.
  requireStatus(contract, ['active', 'suspended', 'completed', 'closed'], 'report costs');
  const { periodEnd, costToDate, estimatedTotalCost } = command;
  const reportedOn = requireDate(command.reportedOn);
  if (endOfMonth(requireDate(periodEnd, 'period end')) !== periodEnd)
    throw new ValidationError(
      `cost periods are monthly: a period ends on the last day of its month, not ${periodEnd}`,
    );
  if (!isAmount(costToDate) || costToDate < 0)
    throw new ValidationError(
      `the cost to date is an amount in minor units from 0 to ${MAX_AMOUNT}`,
    );
  if (!isAmount(estimatedTotalCost) || estimatedTotalCost <= 0)
    throw new ValidationError(
      `the estimated total cost is a positive amount in minor units (at most ${MAX_AMOUNT})`,
    );
  if (reportedOn < periodEnd)
    throw new RuleViolation(
      `the costs of the period ending ${periodEnd} are reported once it has ended, not on ${reportedOn}`,
    );
  if (costToDate > estimatedTotalCost)
    throw new RuleViolation(
      `the cost to date (${costToDate}) exceeds the estimated total cost (${estimatedTotalCost}): revise the estimate with the cost`,
    );
  const standing = contract.costs[periodEnd];
  if (standing?.costToDate === costToDate && standing.estimatedTotalCost === estimatedTotalCost)
    return [];
  return [
    {
      type: 'CostsReported',
      data: {
        contractId: contract.contractId,
        periodEnd,
        costToDate,
        estimatedTotalCost,
        reportedOn,
      },
    },
  ];
}

/**
 * A close refused on the contract's billing figures: those reach it in messages from invoicing and
 * receivables, a moment after an invoice is issued or a payment recorded (the close asks again
 * for a while before it answers this: contracts.http.ts).
 */
export class ContractStillOpen extends RuleViolation {}

function assertNothingOpen(contract: Contract) {
  const sumToDate = contractSumToDate(contract);
  const { completedAndStoredToDate, retainageHeld } = contract.figures;
  if (completedAndStoredToDate !== sumToDate)
    throw new ContractStillOpen(
      `not fully billed: ${completedAndStoredToDate} of ${sumToDate} completed and billed`,
    );
  if (retainageHeld !== 0)
    throw new ContractStillOpen(
      `retainage of ${retainageHeld} is still held; bill its release first`,
    );
  const open = Object.values(contract.invoices).reduce((total, invoice) => total + invoice.open, 0);
  if (open !== 0) throw new ContractStillOpen(`invoices still have ${open} open`);
  // An invoice just issued is open until receivables says otherwise: its balance is on its way.
  if (contract.notYetOnAccount)
    throw new ContractStillOpen(
      `${contract.notYetOnAccount.length === 1 ? 'invoice' : 'invoices'} ${contract.notYetOnAccount.join(', ')} ${contract.notYetOnAccount.length === 1 ? 'is' : 'are'} issued and not yet on the customer's account`,
    );
}

/**
 * A name as a reader tells it apart: spacing around it, letter case and Unicode form (é composed or
 * not, a full-width Ａ) do not make another change order number or schedule line.
 */
const nameKey = (name: string) => name.trim().normalize('NFKC').toLowerCase();
const sameNumber = (a: string, b: string) => nameKey(a) === nameKey(b);

function requireStatus(contract: Contract, allowed: ContractStatus[], action: string) {
  if (!allowed.includes(contract.status))
    throw new IllegalStateError(`cannot ${action}: the contract is ${contract.status}`);
}

function validateTerms(terms: ContractTerms) {
  if (!isCurrency(terms.currency)) throw new ValidationError(`unknown currency ${terms.currency}`);
  if (!isAmount(terms.originalSum) || terms.originalSum <= 0)
    throw new ValidationError(
      `the original contract sum must be a positive amount in minor units (at most ${MAX_AMOUNT})`,
    );
  if (!isRate(terms.taxRate))
    throw new ValidationError('the tax rate is in hundredths of a percent, 0 to 10000');
  if (!Number.isInteger(terms.paymentTermsDays) || terms.paymentTermsDays < 0)
    throw new ValidationError('payment terms are a whole number of days');
  validateRetainage(terms.retainage);
}

function validateRetainage(steps: readonly RetainageStep[]) {
  if (steps.length === 0 || steps[0].threshold !== 0)
    throw new ValidationError('the retainage schedule starts with a step at 0% complete');
  steps.forEach((step, index) => {
    if (![step.threshold, step.workRate, step.materialsRate].every(isRate))
      throw new ValidationError(
        'retainage thresholds and rates are in hundredths of a percent, 0 to 10000',
      );
    if (index > 0 && step.threshold <= steps[index - 1].threshold)
      throw new ValidationError('retainage steps are in increasing threshold order');
    if (step.threshold > FULL_RATE)
      throw new ValidationError('a retainage threshold is at most 100%');
  });
}

function validateLines(
  lines: readonly ScheduleLine[],
  existing: readonly ScheduleLine[],
  allowNegative = false,
) {
  const ids = new Map(existing.map((line) => [nameKey(line.lineId), line.lineId]));
  for (const line of lines) {
    const same = ids.get(nameKey(line.lineId));
    if (same === line.lineId)
      throw new ValidationError(`schedule line ${line.lineId} appears twice`);
    if (same !== undefined)
      throw new ValidationError(
        `schedule line ${JSON.stringify(line.lineId)} differs from line ${JSON.stringify(same)} only in case, spacing or Unicode form: give it another id`,
      );
    ids.set(nameKey(line.lineId), line.lineId);
    if (
      !isAmount(line.scheduledValue) ||
      (allowNegative ? line.scheduledValue === 0 : line.scheduledValue <= 0)
    )
      throw new ValidationError(
        `line ${line.item}: the scheduled value must be ${allowNegative ? 'non-zero' : 'positive'}`,
      );
  }
}
