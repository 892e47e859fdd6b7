import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { EventSchemas, validatingEventStore, type EventStore } from '@billing/shared/event-store';
import type { Bus } from '@billing/shared/bus';
import type { ReadModelStore } from '@billing/shared/read-models';
import { Background } from './background';
import { CommandContextInterceptor } from './idempotency.interceptor';
import { ContextRuntime } from './context-runtime';
import { HealthHttp } from './health.http';
import { RefusalsHttp } from './refusals.http';
import { ReadModelInterceptor } from './read-model.interceptor';
import { idempotencySchemas } from './idempotency.schemas';
import { DEFAULT_THROTTLE } from './security-config';
import { ThrottleGuard, throttlerOptions } from './throttle.guard';
import { Draining } from './draining';
import {
  BUS,
  CLOCK,
  EVENT_SCHEMAS,
  EVENT_STORE,
  READ_MODELS,
  SETTINGS,
  type Clock,
  type Settings,
} from './tokens';

export interface Infrastructure {
  eventStore: EventStore;
  bus: Bus;
  readModels: ReadModelStore;
  clock: Clock;
  settings: Settings;
}

@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(infrastructure: Infrastructure): DynamicModule {
    // One registry per app; feature modules add their domain's schemas, every append is checked.
    const schemas = new EventSchemas().register(idempotencySchemas);
    return {
      module: InfrastructureModule,
      imports: [
        CqrsModule.forRoot(),
        TerminusModule.forRoot({ logger: false }),
        ThrottlerModule.forRoot(
          throttlerOptions(infrastructure.settings.security?.http.throttle ?? DEFAULT_THROTTLE),
        ),
      ],
      controllers: [HealthHttp, RefusalsHttp],
      providers: [
        { provide: EVENT_SCHEMAS, useValue: schemas },
        {
          provide: EVENT_STORE,
          useValue: validatingEventStore(infrastructure.eventStore, schemas),
        },
        { provide: BUS, useValue: infrastructure.bus },
        { provide: READ_MODELS, useValue: infrastructure.readModels },
        { provide: CLOCK, useValue: infrastructure.clock },
        { provide: SETTINGS, useValue: infrastructure.settings },
        Background,
        ContextRuntime,
        CommandContextInterceptor,
        ReadModelInterceptor,
        ThrottleGuard,
        Draining,
      ],
      exports: [
        EVENT_SCHEMAS,
        EVENT_STORE,
        BUS,
        READ_MODELS,
        CLOCK,
        SETTINGS,
        Background,
        ContextRuntime,
        CommandContextInterceptor,
        ReadModelInterceptor,
        ThrottleGuard,
        Draining,
        CqrsModule,
      ],
    };
  }
}

/**
 * An app: the infrastructure module plus the feature modules it hosts (one service, or all four).
 */
export function composeApp(
  features: Type<unknown>[],
  infrastructure: Infrastructure,
): DynamicModule {
  @Module({})
  class BillingApp {}
  return {
    module: BillingApp,
    imports: [InfrastructureModule.forRoot(infrastructure), ...features],
  };
}
