import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Bus } from '@billing/shared/bus';
import type { EventStore } from '@billing/shared/event-store';
import { ProjectionRunner, type ParkedEvent } from '@billing/shared/read-models';
import { withoutAddresses } from './addresses';
import { Background } from './background';
import { BUS, EVENT_STORE } from './tokens';
import { ApiProblems } from './openapi';
import { Health } from './responses';

/**
 * Liveness and readiness (terminus); readiness says `degraded`, naming each parked event or how the
 * bus is down, while the service serves on.
 */
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
  // The answers are documented above: terminus's own schema says a 503 carries the indicators, and
  // ours is Problem Details.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'The event store answers and the read models are caught up; `degraded` names every parked event, or a bus that is down',
  })
  @ApiOkResponse({
    type: Health,
    description: 'Ready: `ok`, or `degraded` with every parked event while the service serves on',
  })
  @ApiProblems([
    503,
    'Not ready: the event store or the read-model store does not answer (within 2 s), or the read models are behind',
  ])
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  async ready() {
    let parked: readonly ParkedEvent[] = [];
    const result = await this.health
      .check([
        () => this.eventStore(),
        async () => {
          const [indicator, found] = await this.readModels();
          parked = found;
          return indicator;
        },
      ])
      .catch((error: unknown) => {
        throw notReady(error);
      });
    const bus = await this.bus.health();
    // A bus that is down leaves the service serving (commands are stored, relayed once it is back):
    // degraded, not unready.
    const indicator = { bus: { status: bus.up ? 'up' : 'down', ...toldOpenly(bus.detail) } };
    const answer = {
      ...result,
      info: { ...result.info, ...(bus.up ? indicator : {}) },
      error: { ...result.error, ...(bus.up ? {} : indicator) },
      details: { ...result.details, ...indicator },
    };
    // Readiness is open to anyone who reaches the port: it names each parked event, not its
    // tenant, stream or error (`npm run audit` and the log say those), and counts no events.
    const named = parked.map(({ consumer, eventId, type, parkedAt }) => ({
      consumer,
      eventId,
      type,
      parkedAt,
    }));
    // Writes failing (a full disk) leave the service serving its reads: degraded, not unready.
    const writing = !this.store.writeFailure?.();
    return parked.length === 0 && bus.up && writing
      ? answer
      : { ...answer, status: 'degraded', ...(parked.length > 0 ? { parked: named } : {}) };
  }

  private async eventStore() {
    const indicator = this.indicators.check('eventStore');
    try {
      // Up, without the head: the global count of events would tell anyone who reaches the port
      // when and how much every tenant writes.
      await answerWithin(this.store.headPosition(), 'the event store');
      const failing = this.store.writeFailure?.();
      return failing
        ? indicator.up({ writes: `failing: ${withoutAddresses(failing)}` })
        : indicator.up();
    } catch (error) {
      return indicator.down({ message: withoutAddresses((error as Error).message) });
    }
  }

  /**
   * Down when the read-model store does not answer (its parked events are read from it) or the
   * projections are behind; with what is parked.
   */
  private async readModels() {
    const indicator = this.indicators.check('readModels');
    try {
      const parked = await answerWithin(this.background.parked(), 'the read-model store');
      // Positions first: an event appended after they were taken moves the head, never them.
      const positions = this.background.projections.positions();
      const head = await answerWithin(this.store.headPosition(), 'the event store');
      const ahead = positions.find(({ position }) => position > head);
      if (ahead)
        return [
          indicator.down({
            message: `${ahead.consumer} has handled events past the event store's head: the store lost events or is another store (README "Operating notes")`,
          }),
          parked,
        ] as const;
      // Not the audit index (its queries wait for it): it follows every service's streams.
      const caughtUp = await this.background.projections.caughtUp(
        head,
        1_000,
        ProjectionRunner.answeringCommands,
      );
      return [
        caughtUp ? indicator.up() : indicator.down({ message: "behind the event store's head" }),
        parked,
      ] as const;
    } catch (error) {
      return [indicator.down({ message: withoutAddresses((error as Error).message) }), []] as const;
    }
  }
}

/** The bus's detail with every text in it as readiness may tell it (`withoutAddresses`). */
function toldOpenly(detail: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(detail).map(([key, value]) => [
      key,
      typeof value === 'string'
        ? withoutAddresses(value)
        : typeof value === 'object' && value !== null && !Array.isArray(value)
          ? toldOpenly(value as Record<string, unknown>)
          : value,
    ]),
  );
}

/**
 * Readiness answers in bounded time: a server that does not answer within this is down (its driver
 * may wait far longer).
 */
const ANSWER_MS = 2_000;

function answerWithin<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) =>
      (timer = setTimeout(
        () => reject(new Error(`${what} did not answer within ${ANSWER_MS} ms`)),
        ANSWER_MS,
      )),
  );
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Terminus's 503 as Problem Details that name what is down and why (its own carries only the
 * indicators, which the problem filter would drop).
 */
function notReady(error: unknown): unknown {
  if (!(error instanceof ServiceUnavailableException)) return error;
  const { error: down = {}, details = {} } = error.getResponse() as {
    error?: Record<string, { message?: string }>;
    details?: Record<string, unknown>;
  };
  const detail = Object.entries(down)
    .map(([name, { message }]) => `${name}: ${message ?? 'down'}`)
    .join('; ');
  return new ServiceUnavailableException({
    type: 'urn:billing:not-ready',
    title: 'Not ready',
    detail: detail || 'not ready',
    error: down,
    details,
  });
}
