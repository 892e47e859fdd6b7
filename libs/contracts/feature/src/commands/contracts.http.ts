import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ContractCommand, ContractState, ScheduleLine } from '@billing/contracts/domain';
import { ContextRuntime, Ctx, DatedBody, ReasonBody, type RequestContext } from '@billing/shared/nest';
import type { CommandResult } from '@billing/shared/event-store';
import { ChangeOrderDto, CreateContractDto, ReviseScheduleDto, type ScheduleLineDto } from './contract.dto';
import { ExecuteContractCommand } from './contract.command';

type Result = CommandResult<ContractState, unknown>;

@ApiTags('contracts')
@Controller('contracts')
export class ContractsHttp {
  constructor(private readonly runtime: ContextRuntime) {}

  @Post()
  async create(@Body() body: CreateContractDto, @Ctx() ctx: RequestContext) {
    const contractId = ctx.newId('contract');
    const { customer, title, currency, originalSum, basis, retainage, taxRate, paymentTermsDays } = body;
    const terms = { customer, title, currency, originalSum, basis, retainage, taxRate, paymentTermsDays, poNumber: body.poNumber ?? '', startDate: body.startDate ?? ctx.today };
    return this.send(contractId, { type: 'CreateContract', contractId, terms, lines: lines(body.lines, ctx), createdOn: ctx.today }, ctx);
  }

  @Post(':id/schedule')
  @HttpCode(200)
  revise(@Param('id', ParseUUIDPipe) id: string, @Body() body: ReviseScheduleDto, @Ctx() ctx: RequestContext) {
    return this.send(id, { type: 'ReviseScheduleOfValues', lines: lines(body.lines, ctx) }, ctx);
  }

  @Post(':id/activate')
  @HttpCode(200)
  activate(@Param('id', ParseUUIDPipe) id: string, @Body() body: DatedBody, @Ctx() ctx: RequestContext) {
    return this.send(id, { type: 'ActivateContract', activatedOn: body.date ?? ctx.today }, ctx);
  }

  @Post(':id/change-orders')
  approveChangeOrder(@Param('id', ParseUUIDPipe) id: string, @Body() body: ChangeOrderDto, @Ctx() ctx: RequestContext) {
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

  @Post(':id/suspend')
  @HttpCode(200)
  suspend(@Param('id', ParseUUIDPipe) id: string, @Body() body: ReasonBody, @Ctx() ctx: RequestContext) {
    return this.send(id, { type: 'SuspendContract', suspendedOn: body.date ?? ctx.today, reason: body.reason }, ctx);
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@Param('id', ParseUUIDPipe) id: string, @Body() body: DatedBody, @Ctx() ctx: RequestContext) {
    return this.send(id, { type: 'ResumeContract', resumedOn: body.date ?? ctx.today }, ctx);
  }

  @Post(':id/complete')
  @HttpCode(200)
  complete(@Param('id', ParseUUIDPipe) id: string, @Body() body: DatedBody, @Ctx() ctx: RequestContext) {
    return this.send(id, { type: 'CompleteContract', completedOn: body.date ?? ctx.today }, ctx);
  }

  @Post(':id/close')
  @HttpCode(200)
  close(@Param('id', ParseUUIDPipe) id: string, @Body() body: DatedBody, @Ctx() ctx: RequestContext) {
    return this.send(id, { type: 'CloseContract', closedOn: body.date ?? ctx.today }, ctx);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id', ParseUUIDPipe) id: string, @Body() body: ReasonBody, @Ctx() ctx: RequestContext) {
    return this.send(id, { type: 'CancelContract', cancelledOn: body.date ?? ctx.today, reason: body.reason }, ctx);
  }

  private async send(contractId: string, command: ContractCommand, ctx: RequestContext) {
    const result = await this.runtime.run<Result>(new ExecuteContractCommand(contractId, command, ctx));
    // The schedule lines with their ids: progress reports and milestones name lines by id.
    const lines = 'lines' in result.state ? result.state.lines : [];
    return { contractId, status: result.state.status, revision: result.revision, lines };
  }
}

function lines(dtos: ScheduleLineDto[], ctx: RequestContext): ScheduleLine[] {
  return dtos.map((line, index) => ({ lineId: line.lineId ?? ctx.newId(`line/${index}`), item: line.item, description: line.description, scheduledValue: line.scheduledValue }));
}
