import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  accountBusinessDate,
  accountDecider,
  DEFAULT_REMINDER_LEVELS,
  openAmount,
  reminderDue,
  type AccountCommand,
  type AccountEvent,
  type AccountState,
} from '@billing/receivables/domain';
import {
  stateAsOf,
  uuidFrom,
  type CommandResult,
  type EventStore,
} from '@billing/shared/event-store';
import { addDays } from '@billing/shared/kernel';
import {
  ApiBodyExamples,
  ApiProblems,
  ContextRuntime,
  Ctx,
  EVENT_STORE,
  READ_MODELS,
  ReasonBody,
  SETTINGS,
  type RequestContext,
  type Settings,
  uuidParam,
} from '@billing/shared/nest';
import { forTenant, type ReadModelStore } from '@billing/shared/read-models';
import {
  ITEMS,
  reminderView,
  STILL_OPEN,
  type ReceivableItem,
} from '../read-models/accounts.projection';
import { ApplyCreditDto, PaymentDto, ReminderRunDto, WriteOffDto } from './receivables.dto';
import { ExecuteAccountCommand, resolveAccountStream } from './account.command';
import {
  CreditApplicationAnswer,
  PaymentAnswer,
  ReminderRun,
  ReversalAnswer,
  WriteOffAnswer,
} from './receivables.responses';
import {
  CREDIT_APPLICATION,
  PAYMENT,
  REMINDER_RUN,
  REVERSAL,
  WRITE_OFF,
} from './receivables.examples';

type Result = CommandResult<AccountState, AccountEvent>;

@ApiTags('receivables')
@Controller()
export class ReceivablesHttp {
  constructor(
    private readonly runtime: ContextRuntime,
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @Post('accounts/:customerId/payments')
  @ApiOperation({
    summary:
      'Record a payment received: it pays the invoices it names first, then the oldest open; the rest is unapplied credit',
  })
  @ApiBodyExamples(PaymentDto, PAYMENT)
  @ApiCreatedResponse({ type: PaymentAnswer, description: 'The payment and what it paid' })
  @ApiProblems(
    400,
    [
      404,
      'No account for the customer yet (no invoice was issued to it), or a named invoice is not on it',
    ],
    [409, 'This payment is already recorded'],
    [422, 'The payment is in another currency than the account'],
  )
  async pay(
    @Param('customerId', uuidParam('customerId')) customerId: string,
    @Body() body: PaymentDto,
    @Ctx() ctx: RequestContext,
  ) {
    const paymentId = ctx.newId('payment');
    const { amount, currency, method, reference } = body;
    const result = await this.send(
      customerId,
      {
        type: 'RecordPayment',
        paymentId,
        amount,
        currency,
        receivedOn: body.receivedOn ?? ctx.today,
        method,
        reference,
        invoiceIds: body.invoiceIds ?? [],
      },
      ctx,
    );
    const payment =
      result.state.status === 'open'
        ? result.state.payments.find((candidate) => candidate.paymentId === paymentId)
        : undefined;
    const unapplied =
      result.state.status === 'open'
        ? (result.state.credits.find((credit) => credit.sourceId === paymentId)?.remaining ?? 0)
        : 0;
    return { paymentId, customerId, allocations: payment?.allocations ?? [], unapplied };
  }

  @Post('accounts/:customerId/payments/:paymentId/reverse')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Reverse a payment (a bounced check): its allocations and the credit it funded are undone, those invoices reopen',
  })
  @ApiBodyExamples(ReasonBody, REVERSAL)
  @ApiOkResponse({ type: ReversalAnswer, description: 'The payment, reversed' })
  @ApiProblems(
    400,
    [404, 'No account for the customer, or no such payment on it'],
    [409, 'The payment is already reversed'],
  )
  async reverse(
    @Param('customerId', uuidParam('customerId')) customerId: string,
    @Param('paymentId', uuidParam('paymentId')) paymentId: string,
    @Body() body: ReasonBody,
    @Ctx() ctx: RequestContext,
  ) {
    await this.send(
      customerId,
      {
        type: 'ReversePayment',
        paymentId,
        reversedOn: body.date ?? ctx.today,
        reason: body.reason,
      },
      ctx,
    );
    return { paymentId, customerId, reversed: true };
  }

  @Post('accounts/:customerId/credit-applications')
  @ApiOperation({ summary: "Apply the account's unapplied credit to an open invoice" })
  @ApiBodyExamples(ApplyCreditDto, CREDIT_APPLICATION)
  @ApiCreatedResponse({ type: CreditApplicationAnswer, description: 'The credit applied' })
  @ApiProblems(
    400,
    [404, 'No account for the customer, or the invoice is not on it'],
    [422, 'No unapplied credit, or more than the credit or the open amount'],
  )
  async applyCredit(
    @Param('customerId', uuidParam('customerId')) customerId: string,
    @Body() body: ApplyCreditDto,
    @Ctx() ctx: RequestContext,
  ) {
    const applicationId = ctx.newId('credit-application');
    const result = await this.send(
      customerId,
      {
        type: 'ApplyCredit',
        applicationId,
        invoiceId: body.invoiceId,
        amount: body.amount,
        appliedOn: body.date ?? ctx.today,
      },
      ctx,
    );
    const draws =
      result.state.status === 'open'
        ? result.state.draws.filter((draw) => draw.applicationId === applicationId)
        : [];
    return {
      applicationId,
      invoiceId: body.invoiceId,
      amount: draws.reduce((total, draw) => total + draw.amount, 0),
    };
  }

  @Post('accounts/:customerId/invoices/:invoiceId/write-off')
  @HttpCode(200)
  @ApiOperation({ summary: "Write off an invoice's open amount, or part of it, with the reason" })
  @ApiBodyExamples(WriteOffDto, WRITE_OFF)
  @ApiOkResponse({ type: WriteOffAnswer, description: 'Written off' })
  @ApiProblems(
    400,
    [404, 'No account for the customer, or the invoice is not on it'],
    [422, 'More than the open amount'],
  )
  async writeOff(
    @Param('customerId', uuidParam('customerId')) customerId: string,
    @Param('invoiceId', uuidParam('invoiceId')) invoiceId: string,
    @Body() body: WriteOffDto,
    @Ctx() ctx: RequestContext,
  ) {
    await this.send(
      customerId,
      {
        type: 'WriteOff',
        invoiceId,
        amount: body.amount,
        writtenOffOn: body.date ?? ctx.today,
        reason: body.reason,
      },
      ctx,
    );
    return { customerId, invoiceId, writtenOff: true };
  }

  /** The reminder job for a date: each account once per run date, each level once per invoice. */
  @Post('reminders/run')
  @ApiOperation({
    summary:
      'Run the reminders for a date: each overdue invoice gets the highest level due, each level once',
  })
  @ApiBodyExamples(ReminderRunDto, REMINDER_RUN)
  @ApiCreatedResponse({ type: ReminderRun, description: 'The reminders sent' })
  @ApiProblems(400)
  async runReminders(@Body() body: ReminderRunDto, @Ctx() ctx: RequestContext) {
    const runDate = body.runDate ?? ctx.today;
    const levels = body.levels ?? DEFAULT_REMINDER_LEVELS;
    // Only accounts with an invoice open and past due by the first level can be reminded: the index
    // finds them.
    const firstLevelDue = addDays(runDate, -Math.min(...levels) + 1);
    const overdue = await forTenant(this.readModels, ctx.tenantId).find<ReceivableItem>(ITEMS, {
      closedOn: STILL_OPEN,
      dueDate: { $lt: firstLevelDue },
    });
    // An account none of whose overdue invoices has a level due that it was not sent yet has
    // nothing to send: its command would read the account for nothing (SendReminders decides the
    // same way, with reminderDue). The read model may lag the accounts (distributed: a moment
    // after the event): a reminder it has not seen yet only makes the run ask the account, but an
    // overdue invoice it has not seen yet is reminded of by the next run, not this one, when its
    // account has nothing else due.
    const due = overdue.filter(
      (item) =>
        reminderDue(
          { ...item, reminderLevels: item.reminders.map((sent) => sent.levelDays) },
          levels,
          runDate,
        ) !== undefined,
    );
    const customers = [...new Set(due.map((item) => item.customerId))].sort();
    const sent = [];
    for (const customerId of customers) {
      const runContext = {
        ...ctx,
        commandId: uuidFrom(
          `${ctx.tenantId}/reminders/${customerId}/${runDate}/${levels.join(',')}`,
        ),
      };
      // A reminder states what was open on the run date: when something changed an overdue
      // invoice's open amount after it (a payment that bounced since, for a run the job missed; a
      // post-dated check or a later write-off, for a run today or ahead), from the events dated up
      // to it.
      const changedAfter = overdue.some(
        (item) =>
          item.customerId === customerId && item.effects.some((effect) => effect.date > runDate),
      );
      const openOn = changedAfter ? await this.openOn(customerId, runDate, ctx) : undefined;
      const result = await this.send(
        customerId,
        { type: 'SendReminders', runDate, levels, ...(openOn && { openOn }) },
        runContext,
      );
      sent.push(
        ...result.appended.flatMap((event) =>
          event.type === 'ReminderSent'
            ? [
                {
                  invoiceId: event.data.invoiceId,
                  number: event.data.number,
                  ...reminderView(event.data),
                },
              ]
            : [],
        ),
      );
    }
    return { runDate, levels, sent };
  }

  /** Each invoice's open amount on `date`, from the account's events dated up to it (ADR 17). */
  private async openOn(
    customerId: string,
    date: string,
    ctx: RequestContext,
  ): Promise<Record<string, number>> {
    const stream = await resolveAccountStream(this.store, ctx.tenantId, customerId);
    const { state } = await stateAsOf(this.store, stream, accountDecider, { date }, ctx.tenantId, {
      businessDate: accountBusinessDate,
      timeZone: this.settings.timeZone,
    });
    return state.status === 'none'
      ? {}
      : Object.fromEntries(state.items.map((item) => [item.invoiceId, openAmount(item)]));
  }

  private send(customerId: string, command: AccountCommand, ctx: RequestContext) {
    return this.runtime.run<Result>(new ExecuteAccountCommand(customerId, command, ctx));
  }
}
