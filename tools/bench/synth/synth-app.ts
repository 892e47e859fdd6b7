import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { contractDecider, contractStream, type ContractCommand } from '@billing/contracts/domain';
import {
  completeWith,
  findInvoice,
  ledgerDecider,
  ledgerStream,
  numberingDecider,
  numberingStream,
  type Completion,
} from '@billing/invoicing/domain';
import { scheduleDecider, scheduleStream, type ScheduleCommand } from '@billing/milestones/domain';
import { accountDecider, accountStream, type AccountCommand } from '@billing/receivables/domain';
import {
  handleCommand,
  toMetadata,
  uuidFrom,
  eventId,
  type CommandContext,
  type EventStore,
} from '@billing/shared/event-store';
import { fold, type Decider, type DomainEvent } from '@billing/shared/kernel';
import { composeApp, EVENT_STORE } from '@billing/shared/nest';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { SqliteEventStore } from '@billing/shared/sqlite';
import { STANDALONE } from '../../../apps/standalone/src/app.module';
import { RecordingStore, SynchronousBus } from './synth-bus';

export interface HttpContext extends CommandContext {
  newId(label: string): string;
}

/**
 * The app's own modules (deciders, command handlers, relays, reactions, event schemas) without HTTP
 * and without projections, writing to a SQLite store: what a request would append, without the
 * per-request cost. Requests are mirrored from the controllers; reactions are the app's own.
 */
export class SynthApp {
  private commands = 0;
  private readonly series = new Map<string, { last: number; revision: number }>();

  private constructor(
    private readonly app: INestApplication,
    private readonly recording: RecordingStore,
    private readonly store: EventStore,
    private readonly bus: SynchronousBus,
    private readonly seed: string,
  ) {}

  static async open(file: string, seed: string): Promise<SynthApp> {
    const recording = new RecordingStore(new SqliteEventStore(file));
    const bus = new SynchronousBus(recording);
    const readModels = new InMemoryReadModels();
    const infrastructure = {
      eventStore: recording,
      bus,
      readModels,
      clock: { now: () => new Date() },
      settings: { timeZone: 'UTC', closeAdaptersOnShutdown: true },
    };
    const app = await NestFactory.create(composeApp(STANDALONE, infrastructure), {
      logger: ['error'],
    });
    await app.init();
    return new SynthApp(app, recording, app.get<EventStore>(EVENT_STORE), bus, seed);
  }

  /** Events appended so far. */
  get events(): number {
    return this.recording.count;
  }

  /**
   * A request's context, as requestContext() builds it (ids seeded, so a dataset is reproducible).
   */
  context(): HttpContext {
    const commandId = uuidFrom(`bench/${this.seed}/command/${this.commands++}`);
    return {
      tenantId: 'default',
      actor: 'bench',
      correlationId: commandId,
      commandId,
      now: new Date(),
      newId: (label) => uuidFrom(`${commandId}/${label}`),
    };
  }

  contract(contractId: string, command: ContractCommand, ctx: HttpContext) {
    return this.run(contractStream(contractId), contractDecider, command, ctx);
  }

  schedule(contractId: string, command: ScheduleCommand, ctx: HttpContext) {
    return this.run(scheduleStream(contractId), scheduleDecider, command, ctx);
  }

  account(customerId: string, command: AccountCommand, ctx: HttpContext) {
    return this.run(accountStream(ctx.tenantId, customerId), accountDecider, command, ctx);
  }

  /**
   * IssueDocumentHandler's steps (check, reserve the next number, issue), with the series kept in
   * memory instead of folded per issue.
   */
  async issue(contractId: string, invoiceId: string, issueDate: string, ctx: HttpContext) {
    const completion: Completion = { type: 'IssueInvoice', invoiceId, issueDate };
    const ledger = fold(
      ledgerDecider,
      (await this.store.readStream(ledgerStream(contractId))) as unknown as Parameters<
        typeof ledgerDecider.evolve
      >[1][],
    );
    ledgerDecider.decide(completeWith(completion, 'pending'), ledger);
    const stream = numberingStream(ctx.tenantId, 'invoice', issueDate);
    const series = this.series.get(stream) ?? { last: 0, revision: -1 };
    const reserve = {
      type: 'ReserveNumber' as const,
      series: 'invoice' as const,
      documentId: invoiceId,
      contractId,
      issueDate,
      completion,
    };
    const [reserved] = numberingDecider.decide(reserve, {
      last: series.last,
      reserved: {},
      recent: {},
    });
    if (reserved?.type !== 'NumberReserved') throw new Error(`${invoiceId}: no number reserved`);
    const event = {
      id: eventId(ctx.commandId, stream, 0, reserved),
      type: reserved.type,
      data: reserved.data,
      metadata: toMetadata(ctx, reserve.type),
    };
    await this.store.append(stream, [event], series.revision < 0 ? 'no_stream' : series.revision);
    this.series.set(stream, { last: reserved.data.sequence, revision: series.revision + 1 });
    const result = await handleCommand(
      this.store,
      ledgerStream(contractId),
      ledgerDecider,
      completeWith(completion, reserved.data.number),
      ctx,
    );
    await this.bus.drain();
    const invoice =
      result.state.status === 'open' ? findInvoice(result.state, invoiceId) : undefined;
    if (!invoice) throw new Error(`invoice ${invoiceId} was not issued`);
    return invoice;
  }

  async close(): Promise<void> {
    await this.app.close();
  }

  private async run<C, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    command: C,
    ctx: HttpContext,
  ) {
    const result = await handleCommand(this.store, streamId, decider, command, ctx);
    await this.bus.drain();
    return result;
  }
}
