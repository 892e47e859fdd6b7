import {
  assertNever,
  sum,
  daysBetween,
  isAmount,
  MAX_AMOUNT,
  requireDate,
  requireReason,
  IllegalStateError,
  NotFoundError,
  RuleViolation,
  ValidationError,
} from '@billing/shared/kernel';
import type { AccountCommand } from './account.commands';
import type { AccountEvent, Allocation, CreditDraw } from './account.events';
import {
  balanceOf,
  balancesAfter,
  cancelling,
  crediting,
  openAmount,
  openedItem,
  paying,
  unappliedCredit,
  writingOff,
  type Account,
  type AccountState,
  type OpenItem,
} from './account';

type Command<T extends AccountCommand['type']> = Extract<AccountCommand, { type: T }>;

export function decide(command: AccountCommand, state: AccountState): AccountEvent[] {
  if (command.type === 'OpenInvoice') return openInvoice(state, command);
  if (state.status === 'none')
    throw new NotFoundError('this customer has no account yet (no invoice was issued to it)');
  switch (command.type) {
    case 'CancelInvoice': {
      const item = requireItem(state, command.invoiceId);
      if (item.cancelled) return [];
      const { voidedOn, retainageHeld } = command;
      const balances = balancesAfter(state, cancelling(item.invoiceId));
      return [
        {
          type: 'InvoiceCancelled',
          data: {
            customerId: state.customerId,
            invoiceId: item.invoiceId,
            voidedOn,
            retainageHeld,
            creditedBack: item.paid,
            balances,
          },
        },
      ];
    }
    case 'RecordCreditNote': {
      const item = requireItem(state, command.invoiceId);
      // Invoicing decides both on one stream and refuses a credit note on a void invoice; should one
      // come anyway, it would credit the invoice a second time: refused, it is listed in /refusals.
      notVoid(item, 'credited');
      const toInvoice = Math.min(command.total, openAmount(item));
      const { creditNoteId, number, issueDate, total } = command;
      const balances = balancesAfter(state, crediting(item.invoiceId, toInvoice));
      const data = {
        customerId: state.customerId,
        creditNoteId,
        invoiceId: item.invoiceId,
        number,
        issueDate,
        total,
        toInvoice,
        toCredit: total - toInvoice,
        balances,
      };
      return [{ type: 'CreditNoteRecorded', data }];
    }
    case 'RecordPayment':
      return recordPayment(state, command);
    case 'ReversePayment':
      return reversePayment(state, command);
    case 'ApplyCredit':
      return applyCredit(state, command);
    case 'WriteOff': {
      const item = requireItem(state, command.invoiceId);
      notVoid(item, 'written off');
      const open = openAmount(item);
      if (open === 0)
        throw new RuleViolation(`invoice ${item.number} has nothing open to write off`);
      const amount = command.amount ?? open;
      if (!isAmount(amount) || amount <= 0)
        throw new ValidationError(
          `a write-off is a positive amount in minor units (at most ${MAX_AMOUNT})`,
        );
      if (amount > open)
        throw new RuleViolation(
          `invoice ${item.number} has only ${open} open; a write-off cannot exceed it`,
        );
      const writtenOffOn = requireDate(command.writtenOffOn);
      notBefore(writtenOffOn, item, 'a write-off');
      const balances = balancesAfter(state, writingOff(item.invoiceId, amount));
      return [
        {
          type: 'InvoiceWrittenOff',
          data: {
            customerId: state.customerId,
            invoiceId: item.invoiceId,
            amount,
            writtenOffOn,
            reason: requireReason(command.reason),
            balances,
          },
        },
      ];
    }
    case 'SendReminders':
      return sendReminders(state, command);
    default:
      return assertNever(command);
  }
}

function openInvoice(state: AccountState, command: Command<'OpenInvoice'>): AccountEvent[] {
  if (state.status === 'open' && state.items.some((item) => item.invoiceId === command.invoiceId))
    return [];
  if (state.status === 'open' && state.currency !== command.currency)
    throw new RuleViolation(
      `this account is kept in ${state.currency}; an invoice in ${command.currency} needs its own account`,
    );
  const { type: _type, ...data } = command;
  return [{ type: 'InvoiceOpened', data: { ...data, balances: [balanceOf(openedItem(data))] } }];
}

/**
 * DOMAIN.md: the invoices the payment names first, then open invoices oldest due date first (ties:
 * lower number).
 */
function recordPayment(account: Account, command: Command<'RecordPayment'>): AccountEvent[] {
  if (!isAmount(command.amount) || command.amount <= 0)
    throw new ValidationError(
      `a payment is a positive amount in minor units (at most ${MAX_AMOUNT})`,
    );
  if (command.currency && command.currency !== account.currency)
    throw new RuleViolation(
      `this account is kept in ${account.currency}, the payment is in ${command.currency}`,
    );
  if (account.payments.some((payment) => payment.paymentId === command.paymentId))
    throw new IllegalStateError('this payment is already recorded');
  const receivedOn = requireDate(command.receivedOn, 'date received');
  if (new Set(command.invoiceIds).size !== command.invoiceIds.length)
    throw new ValidationError('a payment names each invoice once');
  const named = command.invoiceIds.map((invoiceId) =>
    payable(requireItem(account, invoiceId), receivedOn),
  );
  // A payment pays only what was issued by the day it was received; the rest of it is credit
  // (someone applies it later). Only what is open is ordered: a long-standing customer's account
  // holds years of paid invoices.
  const others = account.items
    .filter(
      (item) =>
        openAmount(item) > 0 &&
        !command.invoiceIds.includes(item.invoiceId) &&
        item.issueDate <= receivedOn,
    )
    .sort(byDueThenNumber);
  let left = command.amount;
  const allocations: Allocation[] = [];
  for (const item of [...named, ...others]) {
    const amount = Math.min(left, openAmount(item));
    if (amount <= 0) continue;
    allocations.push({ invoiceId: item.invoiceId, amount });
    left -= amount;
  }
  if (left > 0 && unappliedCredit(account) + left > MAX_AMOUNT)
    throw new RuleViolation(
      `this payment would leave ${unappliedCredit(account) + left} of unapplied credit on the account: at most ${MAX_AMOUNT}`,
    );
  const { paymentId, amount, method, reference } = command;
  const balances = balancesAfter(account, paying(allocations));
  return [
    {
      type: 'PaymentReceived',
      data: {
        customerId: account.customerId,
        paymentId,
        amount,
        receivedOn,
        method,
        reference,
        allocations,
        unapplied: left,
        balances,
      },
    },
  ];
}

/**
 * A bounced payment: its allocations and whatever credit it funded are undone; those invoices
 * reopen.
 */
function reversePayment(account: Account, command: Command<'ReversePayment'>): AccountEvent[] {
  const payment = account.payments.find((candidate) => candidate.paymentId === command.paymentId);
  if (!payment) throw new NotFoundError(`payment ${command.paymentId} not found on this account`);
  if (payment.reversed) throw new IllegalStateError('this payment is already reversed');
  const reversedOn = requireDate(command.reversedOn);
  if (reversedOn < payment.receivedOn)
    throw new RuleViolation(
      `a reversal is dated on or after the payment it reverses (received on ${payment.receivedOn}), not ${reversedOn}`,
    );
  // What it paid on an invoice voided since is no longer on that invoice: the void gave it back as
  // credit, which the reversal takes back (voidCreditFunded).
  const reopened = new Map<string, number>();
  const voided: [string, number][] = [];
  const undo = (invoiceId: string, amount: number) => {
    if (account.items.some((item) => item.invoiceId === invoiceId && item.cancelled))
      voided.push([invoiceId, amount]);
    else reopened.set(invoiceId, (reopened.get(invoiceId) ?? 0) + amount);
  };
  payment.allocations.forEach((a) => undo(a.invoiceId, a.amount));
  const ownDraws = account.draws.filter((draw) => draw.sourceId === payment.paymentId);
  ownDraws.forEach((draw) => undo(draw.invoiceId, draw.amount));
  const { voidCreditTaken, drawsUndone } = voidCreditFunded(account, voided, undo);
  // It takes back the credit this payment left where it was applied: not before that application
  // (an as-of view would show the invoice reopened before it was paid).
  const lastDrawn = [...ownDraws, ...drawsUndone]
    .map((draw) => draw.appliedOn)
    .reduce<string | undefined>(
      (latest, day) => (latest && latest > day ? latest : day),
      undefined,
    );
  if (lastDrawn && reversedOn < lastDrawn)
    throw new RuleViolation(
      `this payment's credit was applied on ${lastDrawn}: a reversal is dated on or after that, not ${reversedOn}`,
    );
  // Nor before a void that gave what it paid back as credit (the credit would go below zero on the
  // days between).
  const lastVoided = voidCreditTaken
    .map(({ sourceId }) => account.credits.find((credit) => credit.sourceId === sourceId)?.since)
    .reduce<string | undefined>(
      (latest, day) => (!day || (latest && latest > day) ? latest : day),
      undefined,
    );
  if (lastVoided && reversedOn < lastVoided)
    throw new RuleViolation(
      `what this payment paid was given back as credit by a void on ${lastVoided}: a reversal is dated on or after that, not ${reversedOn}`,
    );
  const unappliedRemoved =
    (account.credits.find((credit) => credit.sourceId === payment.paymentId)?.remaining ?? 0) +
    sum(voidCreditTaken.map((taken) => taken.amount));
  const allocations = [...reopened].map(([invoiceId, amount]) => ({ invoiceId, amount }));
  const reason = requireReason(command.reason);
  const balances = balancesAfter(account, paying(allocations, -1));
  const { paymentId, reference, amount } = payment;
  return [
    {
      type: 'PaymentReversed',
      data: {
        customerId: account.customerId,
        paymentId,
        reference,
        amount,
        reversedOn,
        reason,
        reopened: allocations,
        unappliedRemoved,
        ...(voidCreditTaken.length > 0 && { voidCreditTaken }),
        ...(drawsUndone.length > 0 && {
          drawsUndone: drawsUndone.map(({ sourceId, applicationId, amount }) => ({
            sourceId,
            applicationId,
            amount,
          })),
        }),
        balances,
      },
    },
  ];
}

/**
 * What a reversed payment paid on invoices voided since (`voided`: a void racing the payment, which
 * invoicing decided before it heard of the payment) was given back as credit by the void. The
 * reversal takes that credit back: from what is left of it, then from where it was applied, latest
 * application first; each invoice it was applied to is undone in turn (`undo`: reopened, or, voided
 * too, its own credit taken back the same way, onto `voided`).
 */
function voidCreditFunded(
  account: Account,
  voided: [string, number][],
  undo: (invoiceId: string, amount: number) => void,
): { voidCreditTaken: CreditDraw[]; drawsUndone: Account['draws'] } {
  const left = new Map(
    account.credits.map((credit) => [
      credit.sourceId,
      credit.kind === 'void' ? credit.remaining : 0,
    ]),
  );
  const undone = new Map<Account['draws'][number], number>();
  const taken = new Map<string, number>();
  for (let next = voided.shift(); next; next = voided.shift()) {
    const [invoiceId, amount] = next;
    const fromCredit = Math.min(amount, left.get(invoiceId) ?? 0);
    left.set(invoiceId, (left.get(invoiceId) ?? 0) - fromCredit);
    if (fromCredit > 0) taken.set(invoiceId, (taken.get(invoiceId) ?? 0) + fromCredit);
    let rest = amount - fromCredit;
    for (const draw of [...account.draws].reverse()) {
      if (rest === 0) break;
      if (draw.sourceId !== invoiceId) continue;
      const take = Math.min(rest, draw.amount - (undone.get(draw) ?? 0));
      if (take <= 0) continue;
      undone.set(draw, (undone.get(draw) ?? 0) + take);
      undo(draw.invoiceId, take);
      rest -= take;
    }
  }
  return {
    voidCreditTaken: [...taken].map(([sourceId, amount]) => ({ sourceId, amount })),
    drawsUndone: [...undone].map(([draw, amount]) => ({ ...draw, amount })),
  };
}

/**
 * DOMAIN.md: credit is applied from the sources that had arisen by the day it is applied, oldest
 * first.
 */
function applyCredit(account: Account, command: Command<'ApplyCredit'>): AccountEvent[] {
  const item = requireItem(account, command.invoiceId);
  notVoid(item, 'credited');
  const appliedOn = requireDate(command.appliedOn);
  const available = unappliedCredit(account, appliedOn);
  const amount = command.amount ?? Math.min(available, openAmount(item));
  if (!isAmount(amount) || amount <= 0)
    throw new RuleViolation(
      available === 0
        ? `this account has no unapplied credit on ${appliedOn}`
        : 'the credit to apply must be a positive amount',
    );
  if (amount > available)
    throw new RuleViolation(`only ${available} of unapplied credit is available on ${appliedOn}`);
  if (amount > openAmount(item))
    throw new RuleViolation(`invoice ${item.number} has only ${openAmount(item)} open`);
  notBefore(appliedOn, item, 'credit applied');
  const draws: CreditDraw[] = [];
  let left = amount;
  for (const credit of account.credits.filter((source) => source.since <= appliedOn)) {
    const take = Math.min(left, credit.remaining);
    if (take > 0) draws.push({ sourceId: credit.sourceId, amount: take });
    left -= take;
  }
  const balances = balancesAfter(account, paying([{ invoiceId: item.invoiceId, amount }]));
  return [
    {
      type: 'CreditApplied',
      data: {
        customerId: account.customerId,
        applicationId: command.applicationId,
        invoiceId: item.invoiceId,
        amount,
        appliedOn,
        draws,
        balances,
      },
    },
  ];
}

/**
 * A document about an invoice is never dated before the invoice (ADR 17: an as-of view relies on
 * it).
 */
function notBefore(date: string, item: OpenItem, what: string): void {
  if (date < item.issueDate)
    throw new RuleViolation(
      `${what} on ${date} cannot touch invoice ${item.number}, issued on ${item.issueDate}`,
    );
}

/**
 * Each level at most once per invoice; only the highest level due is sent, so a run never sends two
 * at once.
 */
function sendReminders(account: Account, command: Command<'SendReminders'>): AccountEvent[] {
  const runDate = requireDate(command.runDate, 'run date');
  const levels = [...command.levels].sort((a, b) => a - b);
  if (
    levels.length === 0 ||
    levels.some(
      (level, index) => !Number.isInteger(level) || level < 1 || level === levels[index - 1],
    )
  )
    throw new ValidationError(
      'reminder levels are whole numbers of days overdue, 1 or more, each once',
    );
  const events: AccountEvent[] = [];
  for (const item of account.items) {
    const open = command.openOn ? (command.openOn[item.invoiceId] ?? 0) : openAmount(item);
    const daysOverdue = daysBetween(item.dueDate, runDate);
    const level = reminderDue(item, levels, runDate);
    if (open <= 0 || openAmount(item) <= 0 || level === undefined) continue;
    events.push({
      type: 'ReminderSent',
      data: {
        customerId: account.customerId,
        invoiceId: item.invoiceId,
        contractId: item.contractId,
        number: item.number,
        level,
        rank: levels.indexOf(level) + 1,
        final: level === levels.at(-1),
        runDate,
        daysOverdue,
        open,
      },
    });
  }
  return events;
}

/**
 * The level a reminder run on `runDate` sends for an invoice still open, in days overdue: the
 * highest level due, unless that one or a higher one was sent already (then none).
 */
export function reminderDue(
  item: { dueDate: string; reminderLevels: readonly number[] },
  levels: readonly number[],
  runDate: string,
): number | undefined {
  const daysOverdue = daysBetween(item.dueDate, runDate);
  const level = [...levels]
    .sort((a, b) => a - b)
    .filter((days) => days <= daysOverdue)
    .at(-1);
  return level === undefined || item.reminderLevels.some((sent) => sent >= level)
    ? undefined
    : level;
}

/** Earlier due date first, then lower number (`byNumber`). */
export function byDueThenNumber(
  a: { dueDate: string; number: string },
  b: { dueDate: string; number: string },
): number {
  return a.dueDate === b.dueDate
    ? byNumber(a.number, b.number)
    : a.dueDate.localeCompare(b.dueDate);
}

/**
 * Lower number first: the series' prefix (its year), then the sequence as a number
 * (`INV-2026-99999` before `INV-2026-100000`, which text order puts first).
 */
export function byNumber(a: string, b: string): number {
  const [, prefixA = a, sequenceA = ''] = /^(.*?)(\d*)$/.exec(a) ?? [];
  const [, prefixB = b, sequenceB = ''] = /^(.*?)(\d*)$/.exec(b) ?? [];
  if (prefixA !== prefixB) return prefixA < prefixB ? -1 : 1;
  return (
    sequenceA.length - sequenceB.length ||
    (sequenceA < sequenceB ? -1 : sequenceA > sequenceB ? 1 : 0)
  );
}

/**
 * An invoice a payment names: issued by the day it was received and with something open (the
 * remittance names it: its money must not go to other invoices unnoticed).
 */
function payable(item: OpenItem, receivedOn: string): OpenItem {
  notBefore(receivedOn, item, 'a payment received');
  notVoid(item, 'paid');
  if (openAmount(item) <= 0)
    throw new RuleViolation(
      `invoice ${item.number} has nothing open to pay (${settledBy(item)}): record the payment without naming it to pay the oldest open invoices or keep it as unapplied credit`,
    );
  return item;
}

/** What settled an invoice with nothing open: its payments, credit notes and write-off. */
function settledBy(item: OpenItem): string {
  const parts = [
    [item.paid, 'paid'],
    [item.credited, 'credited'],
    [item.writtenOff, 'written off'],
  ] as const;
  return parts
    .filter(([amount]) => amount > 0)
    .map(([amount, what]) => `${amount} ${what}`)
    .join(', ');
}

/** Said as it is: a void invoice has nothing open because it was voided. */
function notVoid(item: OpenItem, what: string): void {
  if (item.cancelled)
    throw new RuleViolation(`invoice ${item.number} is void: nothing on it can be ${what}`);
}

function requireItem(account: Account, invoiceId: string): OpenItem {
  const item = account.items.find((candidate) => candidate.invoiceId === invoiceId);
  if (!item) throw new NotFoundError(`invoice ${invoiceId} is not on this customer's account`);
  return item;
}
