import { Inject, Injectable } from '@nestjs/common';
import { CommandBus, type ICommand } from '@nestjs/cqrs';
import { handleCommand, type CommandContext, type CommandResult, type EventStore, type RecordedEvent } from '@billing/shared/event-store';
import { startRelay, type Bus, type Message } from '@billing/shared/bus';
import type { Projection } from '@billing/shared/read-models';
import type { Decider, DomainEvent } from '@billing/shared/kernel';
import { Background } from './background';
import { BUS, EVENT_STORE } from './tokens';

/** A command for one aggregate stream, dispatched on the CommandBus to its context's handler. */
export abstract class StreamCommand<C> implements ICommand {
  constructor(readonly streamId: string, readonly command: C, readonly context: CommandContext) {}
}

export function decideOn<C, E extends DomainEvent, S>(store: EventStore, decider: Decider<C, E, S>, request: StreamCommand<C>): Promise<CommandResult<S, E>> {
  return handleCommand(store, request.streamId, decider, request.command, request.context);
}

export interface ContextWiring {
  name: string;
  relay: { streamPrefixes: readonly string[]; toMessages(event: RecordedEvent): Message[] };
  projections: Projection[];
  reactions?: { topics: readonly string[]; handle(message: Message): Promise<void> };
}

@Injectable()
export class ContextRuntime {
  constructor(private readonly background: Background, private readonly commandBus: CommandBus, @Inject(EVENT_STORE) private readonly store: EventStore, @Inject(BUS) private readonly bus: Bus) {}

  /** Starts a context's projections, its relay (store -> bus) and its reactions (bus -> commands). */
  async start(wiring: ContextWiring): Promise<void> {
    wiring.projections.forEach((projection) => this.background.projections.start(projection));
    this.background.track(startRelay(this.store, this.bus, wiring.relay), wiring.relay.streamPrefixes);
    if (wiring.reactions) this.background.consumer(await this.bus.subscribe(wiring.name, wiring.reactions.topics, (message) => wiring.reactions!.handle(message)));
  }

  /** Runs a command and waits until this process's read models show it (read-your-writes over HTTP). */
  async run<R extends { position: number }>(command: ICommand): Promise<R> {
    const result = await this.commandBus.execute<ICommand, R>(command);
    await this.background.projections.caughtUp(result.position);
    return result;
  }
}
