import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { EventStore } from '@billing/shared/event-store';
import type { Bus } from '@billing/shared/bus';
import type { ReadModelStore } from '@billing/shared/read-models';
import { Background } from './background';
import { CommandContextInterceptor } from './idempotency.interceptor';
import { ContextRuntime } from './context-runtime';
import { BUS, CLOCK, EVENT_STORE, READ_MODELS, SETTINGS, type Clock, type Settings } from './tokens';

export interface Infrastructure {
  eventStore: EventStore;
  bus: Bus & { isIdle?(): boolean };
  readModels: ReadModelStore;
  clock: Clock;
  settings: Settings;
}

@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(infrastructure: Infrastructure): DynamicModule {
    return {
      module: InfrastructureModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: EVENT_STORE, useValue: infrastructure.eventStore },
        { provide: BUS, useValue: infrastructure.bus },
        { provide: READ_MODELS, useValue: infrastructure.readModels },
        { provide: CLOCK, useValue: infrastructure.clock },
        { provide: SETTINGS, useValue: infrastructure.settings },
        Background,
        ContextRuntime,
        CommandContextInterceptor,
      ],
      exports: [EVENT_STORE, BUS, READ_MODELS, CLOCK, SETTINGS, Background, ContextRuntime, CommandContextInterceptor, CqrsModule],
    };
  }
}

/** An app: the infrastructure module plus the feature modules it hosts (one service, or all four). */
export function composeApp(features: Type<unknown>[], infrastructure: Infrastructure): DynamicModule {
  @Module({})
  class BillingApp {}
  return { module: BillingApp, imports: [InfrastructureModule.forRoot(infrastructure), ...features] };
}
