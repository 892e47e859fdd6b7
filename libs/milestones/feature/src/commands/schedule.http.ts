import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ScheduleCommand } from '@billing/milestones/domain';
import type { CommandResult } from '@billing/shared/event-store';
import {
  ApiBodyExamples,
  ApiProblems,
  ContextRuntime,
  Ctx,
  DatedBody,
  ReasonBody,
  type RequestContext,
  uuidParam,
  businessDateParam,
} from '@billing/shared/nest';
import { ReportProgressDto } from './schedule.dto';
import { ExecuteScheduleCommand } from './schedule.command';
import { CertificationAnswer, ScheduleCommandAnswer } from './schedule.responses';
import {
  ACHIEVE_MILESTONE,
  CERTIFY_MILESTONE,
  CERTIFY_PROGRESS,
  REJECT_MILESTONE,
  REJECT_PROGRESS,
  REPORT_PROGRESS,
} from './schedule.examples';

@ApiTags('milestones')
@Controller('contracts/:contractId')
export class ScheduleHttp {
  constructor(private readonly runtime: ContextRuntime) {}

  @Post('progress-reports')
  @ApiOperation({
    summary:
      'Report cumulative progress for a period (a month): it waits for certification or rejection',
  })
  @ApiBodyExamples(ReportProgressDto, REPORT_PROGRESS)
  @ApiCreatedResponse({ type: ScheduleCommandAnswer, description: 'The report is pending' })
  @ApiProblems(
    400,
    [404, 'No schedule of values for the contract (is it active?), or no such line'],
    [409, 'The contract is billed on milestones, or is suspended'],
    [
      422,
      'The period is already certified, percent complete goes down without a reason, work exceeds the scheduled value, or the contract was completed before the period',
    ],
  )
  report(
    @Param('contractId', uuidParam('contractId')) contractId: string,
    @Body() body: ReportProgressDto,
    @Ctx() ctx: RequestContext,
  ) {
    return this.send(
      contractId,
      {
        type: 'ReportProgress',
        periodEnd: body.periodEnd,
        reportedOn: body.reportedOn ?? ctx.today,
        lines: body.lines,
      },
      ctx,
    );
  }

  @Post('progress-reports/:periodEnd/certify')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Certify the pending progress report: invoicing drafts the pay application moments later',
  })
  @ApiBodyExamples(DatedBody, CERTIFY_PROGRESS)
  @ApiOkResponse({
    type: CertificationAnswer,
    description: 'Certified; `next` says where the pay application will appear',
  })
  @ApiProblems(
    400,
    [404, 'No schedule of values for the contract'],
    [409, 'No report pending for that period, or the contract is suspended'],
    [422, 'The contract was completed before the period'],
  )
  async certify(
    @Param('contractId', uuidParam('contractId')) contractId: string,
    @Param('periodEnd', businessDateParam('periodEnd')) periodEnd: string,
    @Body() body: DatedBody,
    @Ctx() ctx: RequestContext,
  ) {
    return {
      ...(await this.send(
        contractId,
        { type: 'CertifyProgress', periodEnd, certifiedOn: body.date ?? ctx.today },
        ctx,
      )),
      next: whereToFind(contractId),
    };
  }

  @Post('progress-reports/:periodEnd/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject the pending progress report, with the reason' })
  @ApiBodyExamples(ReasonBody, REJECT_PROGRESS)
  @ApiOkResponse({ type: ScheduleCommandAnswer, description: 'Rejected; a new report can follow' })
  @ApiProblems(
    400,
    [404, 'No schedule of values for the contract'],
    [409, 'No report pending for that period'],
  )
  reject(
    @Param('contractId', uuidParam('contractId')) contractId: string,
    @Param('periodEnd', businessDateParam('periodEnd')) periodEnd: string,
    @Body() body: ReasonBody,
    @Ctx() ctx: RequestContext,
  ) {
    return this.send(
      contractId,
      {
        type: 'RejectProgress',
        periodEnd,
        rejectedOn: body.date ?? ctx.today,
        reason: body.reason,
      },
      ctx,
    );
  }

  @Post('milestones/:lineId/achieve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report a milestone achieved (contracts billed on milestones)' })
  @ApiBodyExamples(DatedBody, ACHIEVE_MILESTONE)
  @ApiOkResponse({
    type: ScheduleCommandAnswer,
    description: 'The milestone is achieved, waiting for certification',
  })
  @ApiProblems(
    400,
    [404, 'No schedule of values, or no such line'],
    [409, 'The contract is billed on progress or suspended, or the milestone is not pending'],
    [422, 'The contract was completed before that date'],
  )
  achieve(
    @Param('contractId', uuidParam('contractId')) contractId: string,
    @Param('lineId') lineId: string,
    @Body() body: DatedBody,
    @Ctx() ctx: RequestContext,
  ) {
    return this.send(
      contractId,
      { type: 'AchieveMilestone', lineId, achievedOn: body.date ?? ctx.today },
      ctx,
    );
  }

  @Post('milestones/:lineId/certify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Certify an achieved milestone: invoicing drafts its pay application moments later',
  })
  @ApiBodyExamples(DatedBody, CERTIFY_MILESTONE)
  @ApiOkResponse({
    type: CertificationAnswer,
    description: 'Certified; `next` says where the pay application will appear',
  })
  @ApiProblems(
    400,
    [404, 'No schedule of values, or no such line'],
    [409, 'The milestone is not achieved, or the contract is suspended'],
    [422, 'The contract was completed before that date'],
  )
  async certifyMilestone(
    @Param('contractId', uuidParam('contractId')) contractId: string,
    @Param('lineId') lineId: string,
    @Body() body: DatedBody,
    @Ctx() ctx: RequestContext,
  ) {
    return {
      ...(await this.send(
        contractId,
        { type: 'CertifyMilestone', lineId, certifiedOn: body.date ?? ctx.today },
        ctx,
      )),
      next: whereToFind(contractId),
    };
  }

  @Post('milestones/:lineId/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject an achieved milestone, with the reason: it is pending again' })
  @ApiBodyExamples(ReasonBody, REJECT_MILESTONE)
  @ApiOkResponse({ type: ScheduleCommandAnswer, description: 'Rejected' })
  @ApiProblems(
    400,
    [404, 'No schedule of values, or no such line'],
    [409, 'The milestone is not achieved'],
  )
  rejectMilestone(
    @Param('contractId', uuidParam('contractId')) contractId: string,
    @Param('lineId') lineId: string,
    @Body() body: ReasonBody,
    @Ctx() ctx: RequestContext,
  ) {
    return this.send(
      contractId,
      { type: 'RejectMilestone', lineId, rejectedOn: body.date ?? ctx.today, reason: body.reason },
      ctx,
    );
  }

  private async send(contractId: string, command: ScheduleCommand, ctx: RequestContext) {
    const result = await this.runtime.run<CommandResult<{ status: string }, unknown>>(
      new ExecuteScheduleCommand(contractId, command, ctx),
    );
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
