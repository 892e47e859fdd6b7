import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommand, type ICommandHandler } from '@nestjs/cqrs';
import {
  handleCommand,
  withStreamLock,
  type CommandContext,
  type CommandResult,
  type EventStore,
  type Snapshots,
} from '@billing/shared/event-store';
import type { Bus, Message, RelaySource } from '@billing/shared/bus';
import {
  ProjectionRunner,
  readModelSnapshots,
  type Projection,
  type ReadModelStore,
} from '@billing/shared/read-models';
import type { Decider, DomainEvent } from '@billing/shared/kernel';
import { Background } from './background';
import { BUS, EVENT_STORE, READ_MODELS } from './tokens';

/**
 * The command class and CommandBus handler of one aggregate: `new Command(aggregateId, command,
 * context)` is decided by `handleCommand` on the aggregate's stream, after the commands this
 * process runs on it already (withStreamLock).
 */
export function deciderCommand<C, E extends DomainEvent, S>(
  decider: Decider<C, E, S>,
  streamOf: (id: string, context: CommandContext, store: EventStore) => string | Promise<string>,
  /** Names the fold its snapshots hold: bump it whenever `evolve` or the state's shape changes. */
  snapshotVersion: string,
) {
  class Command implements ICommand {
    constructor(
      readonly id: string,
      readonly command: C,
      readonly context: CommandContext,
    ) {}
  }
  @CommandHandler(Command)
  class Handler implements ICommandHandler<Command> {
    private readonly snapshots: Snapshots;

    constructor(
      @Inject(EVENT_STORE) private readonly store: EventStore,
      @Inject(READ_MODELS) readModels: ReadModelStore,
    ) {
      this.snapshots = { store: readModelSnapshots(readModels), version: snapshotVersion };
    }

    async execute(request: Command): Promise<CommandResult<S, E>> {
      const streamId = await streamOf(request.id, request.context, this.store);
      return withStreamLock(this.store, streamId, () =>
        handleCommand(
          this.store,
          streamId,
          decider,
          request.command,
          request.context,
          this.snapshots,
        ),
      );
    }
  }
  return { Command, Handler };
}

export interface ContextWiring {
  name: string;
  relay: RelaySource;
  projections: Projection[];
  reactions?: { topics: readonly string[]; handle(message: Message): Promise<void> };
}

@Injectable()
export class ContextRuntime {
  private readonly logger = new Logger('ContextRuntime');

  constructor(
    private readonly background: Background,
    private readonly commandBus: CommandBus,
    @Inject(BUS) private readonly bus: Bus,
  ) {}

  /**
   * Starts a context's projections, its relay (store -> bus) and its reactions (bus -> commands),
   * each from where it stopped.
   */
  async start(wiring: ContextWiring): Promise<void> {
    for (const projection of wiring.projections)
      await this.background.projections.start(projection);
    this.background.relay(await this.bus.relay(wiring.relay));
    if (wiring.reactions)
      this.background.consumer(
        await this.bus.subscribe(wiring.name, wiring.reactions.topics, (message) =>
          wiring.reactions!.handle(message),
        ),
      );
  }

  /**
   * Runs a command and waits until this process's read models show it (read-your-writes over HTTP).
   */
  async run<R extends { position: number }>(command: ICommand): Promise<R> {
    const result = await this.commandBus.execute<ICommand, R>(command);
    // The command is committed either way; a lagging read model only delays what queries show.
    if (
      !(await this.background.projections.caughtUp(
        result.position,
        undefined,
        ProjectionRunner.answeringCommands,
      ))
    )
      this.logger.warn(
        `read models are behind position ${result.position}; answering without waiting`,
      );
    return result;
  }
}
