import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ContractStillOpen,
  type ContractCommand,
  type ContractState,
  type ScheduleLine,
} from '@billing/contracts/domain';
import {
  ApiBodyExamples,
  ApiProblems,
  ContextRuntime,
  Creates,
  Ctx,
  DatedBody,
  READ_MODELS,
  ReasonBody,
  type RequestContext,
  uuidParam,
} from '@billing/shared/nest';
import type { CommandResult } from '@billing/shared/event-store';
import { RuleViolation } from '@billing/shared/kernel';
import { forTenant, type ReadModelStore } from '@billing/shared/read-models';
import { CONTRACT_SUMMARY, type ContractSummary } from '../read-models/contract-summary.projection';
import {
  ChangeOrderDto,
  CreateContractDto,
  ReportCostsDto,
  ReviseScheduleDto,
  type ScheduleLineDto,
} from './contract.dto';
import { ExecuteContractCommand } from './contract.command';
import { ContractCommandAnswer } from './contracts.responses';
import {
  ACTIVATE,
  CANCEL,
  CHANGE_ORDER,
  CLOSE,
  COMPLETE,
  CREATE_CONTRACT,
  REPORT_COSTS,
  RESUME,
  REVISE_SCHEDULE,
  SUSPEND,
} from './contracts.examples';

type Result = CommandResult<ContractState, unknown>;

/** How long a close refused on its billing figures is asked again, and how often. */
export const CLOSE_WAIT_MS = 3_000;
const CLOSE_RETRY_MS = 100;

@ApiTags('contracts')
@Controller('contracts')
export class ContractsHttp {
  constructor(
    private readonly runtime: ContextRuntime,
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a contract in draft, with its terms and schedule of values' })
  @ApiBodyExamples(CreateContractDto, CREATE_CONTRACT)
  @Creates(
    { type: ContractCommandAnswer, description: 'The contract, in draft, with its line ids' },
    (answer: ContractCommandAnswer) => `/contracts/${answer.contractId}`,
  )
  @ApiProblems(
    400,
    [409, 'A contract with this id already exists'],
    [
      422,
      "The schedule of values exceeds the contract sum, or the customer's other contracts are in another currency",
    ],
  )
  async create(@Body() body: CreateContractDto, @Ctx() ctx: RequestContext) {
    const contractId = ctx.newId('contract');
    const { customer, title, currency, originalSum, basis, retainage, taxRate, paymentTermsDays } =
      body;
    await this.oneCurrencyPerCustomer(customer.id, currency, ctx);
    const terms = {
      customer,
      title,
      currency,
      originalSum,
      basis,
      retainage,
      taxRate,
      paymentTermsDays,
      poNumber: body.poNumber ?? '',
      startDate: body.startDate ?? ctx.today,
    };
    return this.send(
      contractId,
      {
        type: 'CreateContract',
        contractId,
        terms,
        lines: lines(body.lines, ctx),
        createdOn: ctx.today,
      },
      ctx,
    );
  }

  /**
   * A customer's account is kept in one currency (DOMAIN.md: an account per customer): an invoice
   * in another would be numbered and issued, then refused by the account. Refused here instead,
   * before anything is billed. Cancelled contracts (drafts never billed) do not count.
   */
  private async oneCurrencyPerCustomer(
    customerId: string,
    currency: string,
    ctx: RequestContext,
  ): Promise<void> {
    const [other] = await forTenant(this.readModels, ctx.tenantId).find<ContractSummary>(
      CONTRACT_SUMMARY,
      { 'customer.id': customerId, currency: { $ne: currency }, status: { $ne: 'cancelled' } },
      { limit: 1 },
    );
    if (other)
      throw new RuleViolation(
        `customer ${customerId} is billed in ${other.currency} (contract "${other.title}"): its account is kept in one currency, so a contract in ${currency} needs another customer id`,
      );
  }

  @Post(':id/schedule')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the schedule of values of a draft contract' })
  @ApiBodyExamples(ReviseScheduleDto, REVISE_SCHEDULE)
  @ApiOkResponse({ type: ContractCommandAnswer, description: 'The contract with its new lines' })
  @ApiProblems(
    400,
    404,
    [409, 'The contract is no longer a draft'],
    [422, 'The schedule of values exceeds the contract sum'],
  )
  revise(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: ReviseScheduleDto,
    @Ctx() ctx: RequestContext,
  ) {
    return this.send(id, { type: 'ReviseScheduleOfValues', lines: lines(body.lines, ctx) }, ctx);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Activate a draft contract: billing and progress reporting open' })
  @ApiBodyExamples(DatedBody, ACTIVATE)
  @ApiOkResponse({ type: ContractCommandAnswer, description: 'The contract, active' })
  @ApiProblems(
    400,
    404,
    [409, 'The contract is not a draft'],
    [422, 'The schedule of values does not equal the contract sum'],
  )
  activate(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: DatedBody,
    @Ctx() ctx: RequestContext,
  ) {
    return this.send(id, { type: 'ActivateContract', activatedOn: body.date ?? ctx.today }, ctx);
  }

  @Post(':id/change-orders')
  @ApiOperation({
    summary:
      'Approve a change order: its amount changes the contract sum and its lines join the schedule of values',
  })
  @ApiBodyExamples(ChangeOrderDto, CHANGE_ORDER)
  @ApiCreatedResponse({
    type: ContractCommandAnswer,
    description: 'The contract with the change order lines',
  })
  @ApiProblems(
    400,
    404,
    [
      409,
      'The contract is not active or suspended, or a change order of that number is already approved',
    ],
    [422, 'The lines do not sum to the amount'],
  )
  approveChangeOrder(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: ChangeOrderDto,
    @Ctx() ctx: RequestContext,
  ) {
    const { number, description, amount } = body;
    return this.send(
      id,
      {
        type: 'ApproveChangeOrder',
        changeOrderId: ctx.newId('change-order'),
        number,
        description,
        amount,
        approvedOn: body.approvedOn ?? ctx.today,
        lines: lines(body.lines, ctx),
      },
      ctx,
    );
  }

  @Post(':id/costs')
  @ApiOperation({
    summary:
      "Report a period's job cost: cost to date and estimated total cost, for the over/under billing (WIP) schedule",
  })
  @ApiBodyExamples(ReportCostsDto, REPORT_COSTS)
  @ApiCreatedResponse({
    type: ContractCommandAnswer,
    description: 'The contract; the same figures for the period again change nothing',
  })
  @ApiProblems(
    [400, 'Invalid fields, or a period end that is not the last day of a month'],
    404,
    [409, 'The contract is a draft or cancelled'],
    [422, 'Reported before the period ended, or a cost to date above the estimated total cost'],
  )
  reportCosts(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: ReportCostsDto,
    @Ctx() ctx: RequestContext,
  ) {
    const { periodEnd, costToDate, estimatedTotalCost } = body;
    return this.send(
      id,
      {
        type: 'ReportCosts',
        periodEnd,
        costToDate,
        estimatedTotalCost,
        reportedOn: body.date ?? ctx.today,
      },
      ctx,
    );
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Suspend an active contract: no new work is billed until it resumes' })
  @ApiBodyExamples(ReasonBody, SUSPEND)
  @ApiOkResponse({ type: ContractCommandAnswer, description: 'The contract, suspended' })
  @ApiProblems(400, 404, [409, 'The contract is not active'])
  suspend(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: ReasonBody,
    @Ctx() ctx: RequestContext,
  ) {
    return this.send(
      id,
      { type: 'SuspendContract', suspendedOn: body.date ?? ctx.today, reason: body.reason },
      ctx,
    );
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a suspended contract' })
  @ApiBodyExamples(DatedBody, RESUME)
  @ApiOkResponse({ type: ContractCommandAnswer, description: 'The contract, active again' })
  @ApiProblems(400, 404, [409, 'The contract is not suspended'])
  resume(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: DatedBody,
    @Ctx() ctx: RequestContext,
  ) {
    return this.send(id, { type: 'ResumeContract', resumedOn: body.date ?? ctx.today }, ctx);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Complete an active contract: the retainage release is drafted when due',
  })
  @ApiBodyExamples(DatedBody, COMPLETE)
  @ApiOkResponse({ type: ContractCommandAnswer, description: 'The contract, completed' })
  @ApiProblems(400, 404, [409, 'The contract is not active'])
  complete(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: DatedBody,
    @Ctx() ctx: RequestContext,
  ) {
    return this.send(id, { type: 'CompleteContract', completedOn: body.date ?? ctx.today }, ctx);
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Close a completed contract once it is fully billed, its retainage released and every invoice settled',
    description: `The contract learns of issued invoices and payments from messages, a moment after they are recorded: a close its figures refuse is asked again for up to ${CLOSE_WAIT_MS / 1000} s before the 422.`,
  })
  @ApiBodyExamples(DatedBody, CLOSE)
  @ApiOkResponse({ type: ContractCommandAnswer, description: 'The contract, closed' })
  @ApiProblems(
    400,
    404,
    [409, 'The contract is not completed'],
    [422, 'Not fully billed, retainage still held, or invoices still open'],
  )
  async close(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: DatedBody,
    @Ctx() ctx: RequestContext,
  ) {
    const command: ContractCommand = { type: 'CloseContract', closedOn: body.date ?? ctx.today };
    // Billing staff close right after posting the final payment; its balance may still be on its
    // way.
    for (
      const deadline = Date.now() + CLOSE_WAIT_MS;
      ;
      await new Promise((resolve) => setTimeout(resolve, CLOSE_RETRY_MS))
    ) {
      try {
        return await this.send(id, command, ctx);
      } catch (error) {
        if (!(error instanceof ContractStillOpen) || Date.now() >= deadline) throw error;
      }
    }
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a draft contract' })
  @ApiBodyExamples(ReasonBody, CANCEL)
  @ApiOkResponse({ type: ContractCommandAnswer, description: 'The contract, cancelled' })
  @ApiProblems(400, 404, [409, 'The contract is not a draft'])
  cancel(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: ReasonBody,
    @Ctx() ctx: RequestContext,
  ) {
    return this.send(
      id,
      { type: 'CancelContract', cancelledOn: body.date ?? ctx.today, reason: body.reason },
      ctx,
    );
  }

  private async send(contractId: string, command: ContractCommand, ctx: RequestContext) {
    const result = await this.runtime.run<Result>(
      new ExecuteContractCommand(contractId, command, ctx),
    );
    // The schedule lines with their ids: progress reports and milestones name lines by id.
    const lines = 'lines' in result.state ? result.state.lines : [];
    return { contractId, status: result.state.status, revision: result.revision, lines };
  }
}

function lines(dtos: ScheduleLineDto[], ctx: RequestContext): ScheduleLine[] {
  return dtos.map((line, index) => ({
    lineId: line.lineId ?? ctx.newId(`line/${index}`),
    item: line.item,
    description: line.description,
    scheduledValue: line.scheduledValue,
  }));
}
