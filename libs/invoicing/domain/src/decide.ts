import {
  addDays,
  applyRate,
  assertNever,
  isAmount,
  MAX_AMOUNT,
  requireDate,
  requireReason,
  IllegalStateError,
  NotFoundError,
  RuleViolation,
  ValidationError,
  type DomainError,
} from '@billing/shared/kernel';
import type { LedgerCommand } from './ledger.commands';
import type { BillTo, LedgerEvent } from './ledger.events';
import {
  billingFigures,
  evolve,
  findInvoice,
  issued,
  issuedAs,
  lastIssuedApplication,
  pendingDraft,
  releasesSince,
  voidedAs,
  withInvoice,
  type Invoice,
  type Ledger,
  type LedgerState,
} from './ledger';
import { payApplicationOf } from './pay-application';

type Command<T extends LedgerCommand['type']> = Extract<LedgerCommand, { type: T }>;

export function decide(command: LedgerCommand, state: LedgerState): LedgerEvent[] {
  if (command.type === 'OpenLedger') {
    if (state.status !== 'none')
      throw new IllegalStateError('the billing ledger of this contract is already open');
    const { contractId, terms, lines, openedOn } = command;
    return [{ type: 'LedgerOpened', data: { contractId, terms, lines, openedOn } }];
  }
  if (state.status === 'none')
    throw new NotFoundError('this contract has no billing ledger (is it active?)');
  const contractId = state.contractId;
  switch (command.type) {
    case 'RecordChangeOrder':
      return recordChangeOrder(state, command);
    case 'RecordContractPhase':
      return [
        {
          type: 'ContractPhaseRecorded',
          data: { contractId, phase: command.phase, on: command.on },
        },
      ];
    case 'DraftPayApplication':
      return draftPayApplication(state, command);
    case 'DraftRetainageRelease':
      return [draftRelease(state, command)];
    case 'ReleaseRetainageWhenDue':
      return releaseWhenDue(state, command);
    case 'IssueInvoice':
      return issueInvoice(state, command);
    case 'VoidInvoice':
      return voidInvoice(state, command);
    case 'IssueCreditNote':
      return issueCreditNote(state, command);
    case 'RecordInvoicePayments': {
      const { invoiceId, paid, on, open } = command;
      const paidChange = paid - requireInvoice(state, invoiceId).paid;
      const openBefore = state.openOnAccount?.[invoiceId];
      const openChange =
        on && open !== undefined && openBefore !== undefined
          ? { openChange: open - openBefore }
          : {};
      return [
        {
          type: 'InvoicePaymentsRecorded',
          data: {
            contractId,
            invoiceId,
            paid,
            ...(on ? { on, paidChange } : {}),
            ...(open === undefined ? {} : { open, ...openChange }),
          },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

function draftPayApplication(
  ledger: Ledger,
  command: Command<'DraftPayApplication'>,
): LedgerEvent[] {
  const { certificationId, periodEnd, certifiedOn } = command;
  for (const line of command.lines) {
    if (!ledger.lines.some((known) => known.lineId === line.lineId))
      throw new NotFoundError(`line ${line.lineId} is not on this contract's ledger yet`);
  }
  const data = {
    contractId: ledger.contractId,
    certificationId,
    periodEnd,
    ...(certifiedOn ? { certifiedOn } : {}),
    lines: command.lines,
  };
  const certified: LedgerEvent = { type: 'WorkCertified', data };
  return [
    certified,
    ...redraft(evolve(ledger, certified) as Ledger, command.invoiceId, {
      certificationId,
      periodEnd,
    }),
  ];
}

/**
 * A pay application in draft is recomputed with it (its line 2 holds every change order recorded
 * before it is issued, as a draft made after it would): one approved within the period and entered
 * after its certification is on that period's application, and a deduction below the work
 * certified stops the draft instead of issuing more than the contract is worth.
 */
function recordChangeOrder(ledger: Ledger, command: Command<'RecordChangeOrder'>): LedgerEvent[] {
  if (
    command.lines.some((line) => ledger.lines.some((existing) => existing.lineId === line.lineId))
  )
    throw new IllegalStateError('this change order is already recorded');
  const { changeOrderId, amount, lines } = command;
  const recorded: LedgerEvent = {
    type: 'ChangeOrderRecorded',
    data: { contractId: ledger.contractId, changeOrderId, amount, lines },
  };
  const draft = pendingDraft(ledger, 'progress');
  if (!draft) return [recorded];
  return [
    recorded,
    ...redraft(evolve(ledger, recorded) as Ledger, draft.invoiceId, {
      certificationId: changeOrderId,
      periodEnd: draft.periodEnd!,
    }),
  ];
}

/**
 * (Re)compute the progress draft from all work certified so far against the last issued
 * application.
 */
function redraft(
  ledger: Ledger,
  newInvoiceId: string,
  cause: { certificationId: string; periodEnd: string },
): LedgerEvent[] {
  const contractId = ledger.contractId;
  const draft = pendingDraft(ledger, 'progress');
  const refuse = (reason: string): LedgerEvent[] => [
    { type: 'PayApplicationRefused', data: { contractId, ...cause, reason } },
  ];
  const computed = payApplicationOf(ledger);
  const { totalCompletedAndStoredToDate: completed, contractSumToDate } = computed.g702;
  if (completed > contractSumToDate)
    return [
      ...(draft
        ? [withdrawn(ledger, draft.invoiceId, 'the work certified exceeds the contract sum')]
        : []),
      ...refuse(
        `the work completed and stored to date (G702 line 4) would be ${completed}, above the contract sum to date (line 3) of ${contractSumToDate}: a change order took the sum below the work certified`,
      ),
    ];
  if (computed.amount < 0)
    return refuse(
      `the current payment due (G702 line 8) would be ${computed.amount}, below zero: the certified work is less than what was already certified for payment`,
    );
  if (computed.amount === 0)
    return draft ? [withdrawn(ledger, draft.invoiceId, 'nothing new to bill')] : [];
  const applicationNo = issued(ledger, 'progress').length + 1;
  return [
    ...releaseGivingWay(ledger),
    {
      type: 'PayApplicationDrafted',
      data: {
        contractId,
        invoiceId: draft?.invoiceId ?? newInvoiceId,
        applicationNo,
        periodEnd: cause.periodEnd,
        ...computed,
      },
    },
  ];
}

const withdrawn = (ledger: Ledger, invoiceId: string, reason: string): LedgerEvent => ({
  type: 'PayApplicationWithdrawn',
  data: { contractId: ledger.contractId, invoiceId, reason },
});

/**
 * A release still in draft bills line 5 of the application before the work now billable again (a
 * later certification, a void): it is withdrawn. Once completed, it is drafted again when that work
 * is issued; agreed before completion, it is agreed again.
 */
function releaseGivingWay(ledger: Ledger): LedgerEvent[] {
  const release = pendingDraft(ledger, 'retainage-release');
  if (!release) return [];
  const again =
    ledger.phase === 'completed'
      ? 'it is drafted again once that work is issued'
      : 'agree it again once that work is issued';
  return [withdrawn(ledger, release.invoiceId, `work became billable again: ${again}`)];
}

/** Why no release can be drafted now, if anything stands in the way. */
function releaseBlocker(ledger: Ledger, agreed: boolean): DomainError | undefined {
  if (ledger.phase !== 'completed' && !agreed)
    return new IllegalStateError(
      'retainage is released when the contract is completed, or when a release is agreed',
    );
  if (pendingDraft(ledger, 'progress'))
    return new IllegalStateError(
      'a pay application is still in draft: issue it (or let it be withdrawn) before releasing retainage',
    );
  if (pendingDraft(ledger, 'retainage-release') || releasesSince(ledger).length > 0)
    return new IllegalStateError(
      'the retainage release is already billed: the next one bills what later pay applications hold back',
    );
  if (billingFigures(ledger).retainageHeld === 0)
    return new RuleViolation('no retainage is held: a zero amount is never invoiced');
  return undefined;
}

function releaseDrafted(ledger: Ledger, invoiceId: string, releasedOn: string): LedgerEvent {
  const held = billingFigures(ledger).retainageHeld;
  const tax = applyRate(held, ledger.terms.taxRate);
  return {
    type: 'RetainageReleaseDrafted',
    data: {
      contractId: ledger.contractId,
      invoiceId,
      releasedOn: requireDate(releasedOn),
      amount: held,
      tax,
      total: held + tax,
    },
  };
}

/**
 * The day a completed contract's release became due: its completion, or the issue of its last pay
 * application if that came later. From the ledger alone, so the reactions that draft the release
 * (to the completion, to each issue) date it alike in whatever order, and however late, they run.
 */
function releaseDueOn(ledger: Ledger): string {
  const issued = ledger.invoices.flatMap((invoice) =>
    invoice.kind === 'progress' && invoice.issueDate ? [invoice.issueDate] : [],
  );
  return [ledger.phaseSince!, ...issued].sort().at(-1)!;
}

function draftRelease(ledger: Ledger, command: Command<'DraftRetainageRelease'>): LedgerEvent {
  const blocker = releaseBlocker(ledger, command.agreed);
  if (blocker) throw blocker;
  // Agreed before completion: the date agreed. Otherwise not before it is due, and on that day
  // unless a later one is asked for.
  if (ledger.phase !== 'completed')
    return releaseDrafted(
      ledger,
      command.invoiceId,
      requireDate(command.releasedOn ?? '', 'release date'),
    );
  const dueOn = releaseDueOn(ledger);
  const releasedOn = requireDate(command.releasedOn ?? dueOn, 'release date');
  if (releasedOn < dueOn)
    throw new RuleViolation(
      `the retainage release is due on ${dueOn} (the completion, or the last pay application's issue if later): it is not dated ${releasedOn}`,
    );
  return releaseDrafted(ledger, command.invoiceId, releasedOn);
}

/**
 * The policy run after each issue: the release is drafted as soon as it is due, dated the day it
 * became due.
 */
function releaseWhenDue(
  ledger: Ledger,
  command: Command<'ReleaseRetainageWhenDue'>,
): LedgerEvent[] {
  if (releaseBlocker(ledger, false)) return [];
  return [releaseDrafted(ledger, command.invoiceId, releaseDueOn(ledger))];
}

function issueInvoice(ledger: Ledger, command: Command<'IssueInvoice'>): LedgerEvent[] {
  const invoice = requireInvoice(ledger, command.invoiceId);
  if (invoice.status === 'issued' && invoice.number === command.number) return [];
  if (invoice.status !== 'draft')
    throw new IllegalStateError(
      `invoice ${invoice.number ?? invoice.invoiceId} is ${invoice.status}; only a draft can be issued`,
    );
  const { invoiceId, kind, amount, tax, total } = invoice;
  // A draft is recomputed when work before it changes (a void, a certification): the staff issue
  // what they reviewed, or are told it changed.
  if (command.reviewedTotal !== undefined && command.reviewedTotal !== total)
    throw new IllegalStateError(
      `the draft changed since it was reviewed: its total is ${total}, not ${command.reviewedTotal}; review it again`,
    );
  const issueDate = requireDate(command.issueDate, 'issue date');
  // DOMAIN.md "Dates": a document is issued for work certified by then, never before its period
  // ends (or its release date).
  if (invoice.periodEnd && issueDate < invoice.periodEnd)
    throw new RuleViolation(
      `the issue date ${issueDate} is before the ${kind === 'progress' ? 'period end' : 'release date'} ${invoice.periodEnd} it bills`,
    );
  // It builds on the last pay application issued (a later one deducts its certificate in line 7; a
  // release bills its line 5): it is not dated before it, or a view by date would count them in the
  // wrong order.
  const previous = lastIssuedApplication(ledger);
  if (previous?.issueDate && issueDate < previous.issueDate)
    throw new RuleViolation(
      `the issue date ${issueDate} is before pay application ${previous.applicationNo} (${previous.number}) issued on ${previous.issueDate}, which this ${kind === 'progress' ? 'pay application deducts (G702 line 7)' : 'release bills the retainage of'}`,
    );
  // Its line 5c and line 7 count every release issued before it: it is not dated before them.
  const release =
    kind === 'progress'
      ? issued(ledger, 'retainage-release')
          .sort((a, b) => (a.issueDate! < b.issueDate! ? -1 : 1))
          .at(-1)
      : undefined;
  if (release?.issueDate && issueDate < release.issueDate)
    throw new RuleViolation(
      `the issue date ${issueDate} is before the retainage release ${release.number} issued on ${release.issueDate}, which this pay application counts`,
    );
  const [number, dueDate] = [command.number, addDays(issueDate, ledger.terms.paymentTermsDays)];
  const figures = billingFigures(
    withInvoice(ledger, invoiceId, issuedAs({ number, issueDate, dueDate })),
  );
  return [
    {
      type: 'InvoiceIssued',
      data: {
        ...billTo(ledger),
        contractId: ledger.contractId,
        invoiceId,
        kind,
        number,
        issueDate,
        dueDate,
        amount,
        tax,
        total,
        figures,
      },
    },
  ];
}

function voidInvoice(ledger: Ledger, command: Command<'VoidInvoice'>): LedgerEvent[] {
  const invoice = requireInvoice(ledger, command.invoiceId);
  if (invoice.status !== 'issued')
    throw new IllegalStateError(
      `invoice ${invoice.number ?? invoice.invoiceId} is ${invoice.status}; only an issued invoice can be voided`,
    );
  if (invoice.issueDate && command.voidedOn < invoice.issueDate)
    throw new RuleViolation(
      `the void date ${command.voidedOn} is before the issue date ${invoice.issueDate}`,
    );
  if (invoice.paid > 0 || invoice.credited > 0)
    throw new RuleViolation(
      `invoice ${invoice.number} has been paid or credited: correct it with a credit note instead`,
    );
  // A write-off took part of it off the customer's account: a void would take the whole total off
  // again, and the account would owe the customer what nobody paid.
  const open = ledger.openOnAccount?.[invoice.invoiceId];
  if (open !== undefined && open < invoice.total)
    throw new RuleViolation(
      `invoice ${invoice.number} has been written off in part (${invoice.total - open} of ${invoice.total}) on the customer's account: correct it with a credit note instead`,
    );
  if (
    invoice.kind === 'progress' &&
    (lastIssuedApplication(ledger)?.invoiceId !== invoice.invoiceId ||
      releasesSince(ledger).length > 0)
  ) {
    throw new RuleViolation(
      `only the latest pay application can be voided (later ones, or a retainage release, build on invoice ${invoice.number}); correct it with a credit note instead`,
    );
  }
  if (
    invoice.kind === 'retainage-release' &&
    !releasesSince(ledger).some((release) => release.invoiceId === invoice.invoiceId)
  ) {
    throw new RuleViolation(
      `a pay application issued after the retainage release ${invoice.number} builds on it (its line 7 counts it); correct it with a credit note instead`,
    );
  }
  const [voidedOn, reason] = [requireDate(command.voidedOn), requireReason(command.reason)];
  const after = withInvoice(ledger, invoice.invoiceId, voidedAs({ voidedOn, reason }));
  const event: LedgerEvent = {
    type: 'InvoiceVoided',
    data: {
      ...billTo(ledger),
      contractId: ledger.contractId,
      invoiceId: invoice.invoiceId,
      voidedOn,
      reason,
      figures: billingFigures(after),
    },
  };
  // The voided work is billable again, and a voided release's retainage is held again: a pending
  // draft is recomputed on top of the application before (without the release in its lines 5c and
  // 7), or a new draft bills the work, for the staff to review and issue. A release still in draft billed the voided application's line 5: it goes.
  const withdrawals = invoice.kind === 'progress' ? releaseGivingWay(after) : [];
  const rest = withdrawals.reduce(
    (ledger, withdrawal) => evolve(ledger, withdrawal) as Ledger,
    after,
  );
  const draft = pendingDraft(rest, 'progress');
  return [
    event,
    ...withdrawals,
    ...redraft(rest, draft?.invoiceId ?? command.redraftInvoiceId, {
      certificationId: `void/${invoice.invoiceId}`,
      periodEnd:
        draft?.periodEnd ??
        (invoice.kind === 'progress' ? invoice.periodEnd : rest.lastPeriodEnd) ??
        command.voidedOn,
    }),
  ];
}

function issueCreditNote(ledger: Ledger, command: Command<'IssueCreditNote'>): LedgerEvent[] {
  const invoice = requireInvoice(ledger, command.invoiceId);
  const earlier = ledger.creditNotes.find((note) => note.creditNoteId === command.creditNoteId);
  if (earlier && earlier.number === command.number) return [];
  if (earlier)
    throw new IllegalStateError(
      `credit note ${command.creditNoteId} is already issued as ${earlier.number}`,
    );
  if (invoice.status !== 'issued')
    throw new IllegalStateError(
      `invoice ${invoice.number ?? invoice.invoiceId} is ${invoice.status}; only an issued invoice can be credited`,
    );
  if (invoice.issueDate && command.issueDate < invoice.issueDate)
    throw new RuleViolation(
      `the credit note date ${command.issueDate} is before the invoice's issue date ${invoice.issueDate}`,
    );
  if (!isAmount(command.amount) || command.amount <= 0)
    throw new ValidationError(
      `a credit note amount is a positive amount in minor units (at most ${MAX_AMOUNT})`,
    );
  const tax = applyRate(command.amount, ledger.terms.taxRate);
  const creditable = invoice.total - invoice.credited;
  if (command.amount + tax > creditable)
    throw new RuleViolation(
      `the credit note total (${command.amount + tax}) exceeds what is left to credit on invoice ${invoice.number} (${creditable})`,
    );
  const { creditNoteId, invoiceId, number, amount, issueDate, reason } = command;
  return [
    {
      type: 'CreditNoteIssued',
      data: {
        ...billTo(ledger),
        contractId: ledger.contractId,
        creditNoteId,
        invoiceId,
        number,
        issueDate: requireDate(issueDate, 'issue date'),
        reason: requireReason(reason),
        amount,
        tax,
        total: amount + tax,
      },
    },
  ];
}

function billTo(ledger: Ledger): BillTo {
  return {
    customerId: ledger.terms.customer.id,
    customerName: ledger.terms.customer.name,
    currency: ledger.terms.currency,
  };
}

function requireInvoice(ledger: Ledger, invoiceId: string): Invoice {
  const invoice = findInvoice(ledger, invoiceId);
  if (!invoice) throw new NotFoundError(`invoice ${invoiceId} not found on this contract`);
  return invoice;
}
