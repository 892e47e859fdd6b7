import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommand, type ICommandHandler } from '@nestjs/cqrs';
import { handleCommand, type CommandContext, type CommandResult, type EventStore, type RecordedEvent } from '@billing/shared/event-store';
import { startRelay, type Bus, type Message } from '@billing/shared/bus';
import type { Projection } from '@billing/shared/read-models';
import type { Decider, DomainEvent } from '@billing/shared/kernel';
import { Background } from './background';
import { BUS, EVENT_STORE } from './tokens';

/**
 * The command class and CommandBus handler of one aggregate: `new Command(aggregateId, command, context)`
 * is decided by `handleCommand` on the aggregate's stream.
 */
export function deciderCommand<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamOf: (id: string) => string) {
  class Command implements ICommand {
    readonly streamId: string;
    constructor(
      id: string,
      readonly command: C,
      readonly context: CommandContext,
    ) {
      this.streamId = streamOf(id);
    }
  }
  @CommandHandler(Command)
  class Handler implements ICommandHandler<Command> {
    constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

    execute(request: Command): Promise<CommandResult<S, E>> {
      return handleCommand(this.store, request.streamId, decider, request.command, request.context);
    }
  }
  return { Command, Handler };
}

export interface ContextWiring {
  name: string;
  relay: { streamPrefixes: readonly string[]; toMessages(event: RecordedEvent): Message[] };
  projections: Projection[];
  reactions?: { topics: readonly string[]; handle(message: Message): Promise<void> };
}

@Injectable()
export class ContextRuntime {
  private readonly logger = new Logger('ContextRuntime');

  constructor(
    private readonly background: Background,
    private readonly commandBus: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(BUS) private readonly bus: Bus,
  ) {}

  /** Starts a context's projections, its relay (store -> bus) and its reactions (bus -> commands). */
  async start(wiring: ContextWiring): Promise<void> {
    wiring.projections.forEach((projection) => this.background.projections.start(projection));
    this.background.track(startRelay(this.store, this.bus, wiring.relay), wiring.relay.streamPrefixes);
    if (wiring.reactions) this.background.consumer(await this.bus.subscribe(wiring.name, wiring.reactions.topics, (message) => wiring.reactions!.handle(message)));
  }

  /** Runs a command and waits until this process's read models show it (read-your-writes over HTTP). */
  async run<R extends { position: number }>(command: ICommand): Promise<R> {
    const result = await this.commandBus.execute<ICommand, R>(command);
    // The command is committed either way; a lagging read model only delays what queries show.
    if (!(await this.background.projections.caughtUp(result.position))) this.logger.warn(`read models are behind position ${result.position}; answering without waiting`);
    return result;
  }
}
