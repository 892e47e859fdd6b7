import { Controller, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '@billing/shared/kernel';
import { Ctx, READ_MODELS, type RequestContext } from '@billing/shared/nest';
import { forTenant, type ReadModelStore } from '@billing/shared/read-models';
import { SCHEDULES, type ScheduleView } from './schedule.projection';

@ApiTags('milestones')
@Controller('contracts/:contractId/schedule')
export class ScheduleQueries {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModelStore) {}

  @Get()
  async schedule(@Param('contractId', ParseUUIDPipe) contractId: string, @Ctx() ctx: RequestContext) {
    const view = await forTenant(this.readModels, ctx.tenantId).get<ScheduleView>(SCHEDULES, contractId);
    if (!view) throw new NotFoundError(`no schedule of values for contract ${contractId} (is it active?)`);
    return view;
  }
}
