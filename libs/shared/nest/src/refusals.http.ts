import { Controller, Get, Inject, Query, Res, type OnModuleInit } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import type { Response } from 'express';
import {
  forTenant,
  REFUSALS,
  type ReadModelStore,
  type Refusal,
} from '@billing/shared/read-models';
import { Ctx, type RequestContext } from './command-context';
import { PageQuery } from './paging';
import { READ_MODELS } from './tokens';
import { ApiProblems, IsUuid, TOTAL_COUNT_HEADER, UUID_PATTERN } from './openapi';
import { RefusalView } from './responses';

export class RefusalQuery extends PageQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    pattern: UUID_PATTERN,
    description: 'Only the refusals about this contract',
  })
  @IsOptional()
  @IsUuid()
  contractId?: string;
}

/**
 * Reactions a billing rule refused (a release with no retainage held, …): "never", with the reason,
 * not "not yet".
 */
@ApiTags('refusals')
@Controller('refusals')
export class RefusalsHttp implements OnModuleInit {
  constructor(@Inject(READ_MODELS) private readonly readModels: ReadModelStore) {}

  onModuleInit() {
    return Promise.all([
      this.readModels.ensureIndex(REFUSALS, {
        _tenant: 1,
        occurredAt: 1,
        messageId: 1,
        consumer: 1,
      }),
      this.readModels.ensureIndex(REFUSALS, {
        _tenant: 1,
        contractId: 1,
        occurredAt: 1,
        messageId: 1,
        consumer: 1,
      }),
    ]);
  }

  @Get()
  @ApiOperation({
    summary: 'Reactions refused by a billing rule, oldest first, optionally for one contract',
  })
  @ApiOkResponse({
    type: [RefusalView],
    description: 'One page of refusals, oldest first',
    headers: TOTAL_COUNT_HEADER,
  })
  @ApiProblems(400)
  /**
   * Refusals are only ever added, listed oldest first (by the time their message occurred, then its
   * id and the consumer that refused it: one message may be refused by two), and paged by offset
   * (no cursor: the gateway merges the four services' refusals by offset, in the same order). A
   * consumer that lags may add one before others already listed.
   */
  async list(
    @Ctx() ctx: RequestContext,
    @Query() { contractId, limit = 100, offset = 0 }: RefusalQuery,
    @Res({ passthrough: true }) response: Response,
  ) {
    const tenant = forTenant(this.readModels, ctx.tenantId);
    const query = contractId ? { contractId } : {};
    response.setHeader('X-Total-Count', String(await tenant.count(REFUSALS, query)));
    const refusals = await tenant.find<Refusal>(REFUSALS, query, {
      sort: { occurredAt: 1, messageId: 1, consumer: 1 },
      skip: offset,
      limit,
    });
    // Without the event's position in the store: the gap between two of the tenant's own would
    // count the other tenants' events.
    return refusals.map(({ consumer, messageId, type, contractId, reason, occurredAt }) => ({
      consumer,
      messageId,
      type,
      ...(contractId === undefined ? {} : { contractId }),
      reason,
      occurredAt,
    }));
  }
}
