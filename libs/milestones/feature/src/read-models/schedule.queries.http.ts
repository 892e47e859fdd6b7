import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '@billing/shared/kernel';
import {
  ApiProblems,
  Ctx,
  READ_MODELS,
  type RequestContext,
  uuidParam,
} from '@billing/shared/nest';
import { forTenant, type ReadModelStore } from '@billing/shared/read-models';
import { SCHEDULES, type ScheduleView } from './schedule.projection';
import { ContractSchedule } from './schedule.queries.responses';

@ApiTags('milestones')
@Controller('contracts/:contractId/schedule')
export class ScheduleQueries {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModelStore) {}

  @Get()
  @ApiOperation({
    summary:
      "The contract's schedule of values with certified progress per line, certifications and rejections",
  })
  @ApiOkResponse({ type: ContractSchedule, description: 'The schedule' })
  @ApiProblems(400, [404, 'No schedule of values for the contract (is it active?)'])
  async schedule(
    @Param('contractId', uuidParam('contractId')) contractId: string,
    @Ctx() ctx: RequestContext,
  ) {
    const view = await forTenant(this.readModels, ctx.tenantId).get<ScheduleView>(
      SCHEDULES,
      contractId,
    );
    if (!view)
      throw new NotFoundError(`no schedule of values for contract ${contractId} (is it active?)`);
    return view;
  }
}
