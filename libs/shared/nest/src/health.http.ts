import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Bus } from '@billing/shared/bus';
import type { EventStore } from '@billing/shared/event-store';
import { Background } from './background';
import { BUS, EVENT_STORE } from './tokens';
import { ApiProblems } from './openapi';
import { Health } from './responses';

/** Liveness and readiness (terminus); readiness says `degraded`, naming each parked event or how the bus is down, while the service serves on. */
@ApiTags('health')
@Controller('health')
export class HealthHttp {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly background: Background,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(BUS) private readonly bus: Bus,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process answers' })
  @ApiOkResponse({ type: Health, description: 'The process is alive (no indicators)' })
  // The answers are documented above: terminus's own schema says a 503 carries the indicators, and ours is Problem Details.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({ summary: 'The event store answers and the read models are caught up; `degraded` names every parked event, or a bus that is down' })
  @ApiOkResponse({ type: Health, description: 'Ready: `ok`, or `degraded` with every parked event while the service serves on' })
  @ApiProblems([503, 'Not ready: the event store does not answer or the read models are behind'])
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  async ready() {
    const result = await this.health.check([() => this.eventStore(), () => this.readModels()]);
    const [parked, bus] = await Promise.all([this.background.parked(), this.bus.health()]);
    // A bus that is down leaves the service serving (commands are stored, relayed once it is back): degraded, not unready.
    const indicator = { bus: { status: bus.up ? 'up' : 'down', ...bus.detail } };
    const answer = {
      ...result,
      info: { ...result.info, ...(bus.up ? indicator : {}) },
      error: { ...result.error, ...(bus.up ? {} : indicator) },
      details: { ...result.details, ...indicator },
    };
    return parked.length === 0 && bus.up ? answer : { ...answer, status: 'degraded', ...(parked.length > 0 ? { parked } : {}) };
  }

  private async eventStore() {
    const indicator = this.indicators.check('eventStore');
    try {
      return indicator.up({ headPosition: await this.store.headPosition() });
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async readModels() {
    const indicator = this.indicators.check('readModels');
    const head = await this.store.headPosition();
    return (await this.background.projections.caughtUp(head, 1_000)) ? indicator.up({ caughtUpTo: head }) : indicator.down({ message: `behind position ${head}` });
  }
}
