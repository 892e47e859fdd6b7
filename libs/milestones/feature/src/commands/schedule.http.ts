import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ScheduleCommand } from '@billing/milestones/domain';
import type { CommandResult } from '@billing/shared/event-store';
import { ContextRuntime, Ctx, DatedBody, ReasonBody, type RequestContext } from '@billing/shared/nest';
import { ReportProgressDto } from './schedule.dto';
import { ExecuteScheduleCommand } from './schedule.command';

@ApiTags('milestones')
@Controller('contracts/:contractId')
export class ScheduleHttp {
  constructor(private readonly runtime: ContextRuntime) {}

  @Post('progress-reports')
  report(@Param('contractId', ParseUUIDPipe) contractId: string, @Body() body: ReportProgressDto, @Ctx() ctx: RequestContext) {
    return this.send(contractId, { type: 'ReportProgress', periodEnd: body.periodEnd, reportedOn: body.reportedOn ?? ctx.today, lines: body.lines }, ctx);
  }

  @Post('progress-reports/:periodEnd/certify')
  @HttpCode(200)
  async certify(@Param('contractId', ParseUUIDPipe) contractId: string, @Param('periodEnd') periodEnd: string, @Body() body: DatedBody, @Ctx() ctx: RequestContext) {
    return { ...(await this.send(contractId, { type: 'CertifyProgress', periodEnd, certifiedOn: body.date ?? ctx.today }, ctx)), next: whereToFind(contractId) };
  }

  @Post('progress-reports/:periodEnd/reject')
  @HttpCode(200)
  reject(@Param('contractId', ParseUUIDPipe) contractId: string, @Param('periodEnd') periodEnd: string, @Body() body: ReasonBody, @Ctx() ctx: RequestContext) {
    return this.send(contractId, { type: 'RejectProgress', periodEnd, rejectedOn: body.date ?? ctx.today, reason: body.reason }, ctx);
  }

  @Post('milestones/:lineId/achieve')
  @HttpCode(200)
  achieve(@Param('contractId', ParseUUIDPipe) contractId: string, @Param('lineId') lineId: string, @Body() body: DatedBody, @Ctx() ctx: RequestContext) {
    return this.send(contractId, { type: 'AchieveMilestone', lineId, achievedOn: body.date ?? ctx.today }, ctx);
  }

  @Post('milestones/:lineId/certify')
  @HttpCode(200)
  async certifyMilestone(@Param('contractId', ParseUUIDPipe) contractId: string, @Param('lineId') lineId: string, @Body() body: DatedBody, @Ctx() ctx: RequestContext) {
    return { ...(await this.send(contractId, { type: 'CertifyMilestone', lineId, certifiedOn: body.date ?? ctx.today }, ctx)), next: whereToFind(contractId) };
  }

  @Post('milestones/:lineId/reject')
  @HttpCode(200)
  rejectMilestone(@Param('contractId', ParseUUIDPipe) contractId: string, @Param('lineId') lineId: string, @Body() body: ReasonBody, @Ctx() ctx: RequestContext) {
    return this.send(contractId, { type: 'RejectMilestone', lineId, rejectedOn: body.date ?? ctx.today, reason: body.reason }, ctx);
  }

  private async send(contractId: string, command: ScheduleCommand, ctx: RequestContext) {
    const result = await this.runtime.run<CommandResult<{ status: string }, unknown>>(new ExecuteScheduleCommand(contractId, command, ctx));
    return { contractId, revision: result.revision };
  }
}

/**
 * Certified work is drafted by invoicing in reaction, moments later: the answer says where the
 * draft appears, and where a refusal would be recorded if the work cannot be billed.
 */
function whereToFind(contractId: string) {
  return {
    payApplication: `/invoices?contractId=${contractId}&status=draft`,
    billing: `/contracts/${contractId}/billing`,
    refusals: `/refusals?contractId=${contractId}`,
  };
}
