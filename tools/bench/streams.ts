import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { numberingDecider, numberingStream } from '@billing/invoicing/domain';
import {
  accountBusinessDate,
  accountDecider,
  accountStream,
  type AccountEvent,
} from '@billing/receivables/domain';
import {
  eventId,
  handleCommand,
  stateAsOf,
  toMetadata,
  type CommandContext,
} from '@billing/shared/event-store';
import type { Decider, DomainEvent } from '@billing/shared/kernel';
import { readModelSnapshots } from '@billing/shared/read-models';
import { SqliteEventStore, SqliteReadModels } from '@billing/shared/sqlite';
import { summarize, type Summary } from './stats';

const TENANT = 'bench';
const APPENDED_AT_ONCE = 500;
const WARMUP = 20;
const AS_OF_SAMPLES = 5;
/** The short stream each long one is compared with. */
export const SHORT_STREAM = 100;
/** A long-standing customer's contracts, billed in turn. */
const CONTRACTS_PER_CUSTOMER = 20;

/** What one command on a stream costs, by how long the stream is. */
export interface StreamCost {
  stream: string;
  events: number;
  commands: number;
  /** Wall time of a command, milliseconds: its snapshot writes included (one every 50 events). */
  meanMs: number;
  ms: Summary;
  /**
   * The stream's view as of now, as the audit API folds it (GET /accounts/{id}/as-of), mean of
   * AS_OF_SAMPLES, milliseconds: for a stream that has such a view.
   */
  asOfMs?: number;
}

/** A stream that grows by one command after another, as the app's handlers send them. */
interface Workload<C, E extends DomainEvent, S> {
  stream: string;
  streamId: string;
  decider: Decider<C, E, S>;
  next(): C;
  /** How its events are dated for an as-of view, for a stream that has one. */
  businessDate?: (event: E) => string | undefined;
}

/** A year's invoice numbers: each issue reserves one (numbering.ts). */
const numberSeries = (): Workload<unknown, DomainEvent, unknown> => ({
  stream: 'number series',
  streamId: numberingStream(TENANT, 'invoice', '2026-03-01'),
  decider: numberingDecider,
  next: () => {
    const invoiceId = randomUUID();
    return {
      type: 'ReserveNumber',
      series: 'invoice',
      documentId: invoiceId,
      contractId: randomUUID(),
      issueDate: '2026-03-01',
      completion: { type: 'IssueInvoice', invoiceId, issueDate: '2026-03-01' },
    };
  },
});

/** A customer's account over the years: an invoice opened, then paid, and again. */
function customerAccount(): Workload<unknown, DomainEvent, unknown> {
  const customerId = randomUUID();
  const contracts = Array.from({ length: CONTRACTS_PER_CUSTOMER }, () => randomUUID());
  let invoices = 0;
  let unpaid: string | undefined;
  return {
    stream: 'customer account',
    streamId: accountStream(TENANT, customerId),
    decider: accountDecider,
    businessDate: (event) => accountBusinessDate(event as AccountEvent),
    next: () => {
      if (unpaid) {
        const invoiceIds = [unpaid];
        unpaid = undefined;
        return {
          type: 'RecordPayment',
          paymentId: randomUUID(),
          amount: 100_000,
          receivedOn: '2026-03-02',
          method: 'wire',
          reference: 'bench',
          invoiceIds,
        };
      }
      unpaid = randomUUID();
      invoices++;
      return {
        type: 'OpenInvoice',
        customerId,
        customerName: 'Bench Customer',
        invoiceId: unpaid,
        number: `INV-2026-${String(invoices).padStart(5, '0')}`,
        contractId: contracts[invoices % contracts.length],
        kind: 'progress',
        currency: 'USD',
        issueDate: '2026-03-01',
        dueDate: '2026-03-31',
        total: 100_000,
        retainageHeld: 0,
      };
    },
  };
}

const context = (): CommandContext => ({
  tenantId: TENANT,
  actor: 'bench',
  correlationId: randomUUID(),
  commandId: randomUUID(),
  now: new Date('2026-03-02T12:00:00Z'),
});

/**
 * Per command on a stream that already holds `events` (written first, in batches, as the deciders
 * decide them), then `commands` more through handleCommand on SQLite with read-model snapshots, as
 * a service runs them: the cost a command pays for the stream's history.
 */
async function measure(
  workload: Workload<unknown, DomainEvent, unknown>,
  events: number,
  commands: number,
): Promise<StreamCost> {
  const dir = mkdtempSync(join(tmpdir(), 'billing-bench-streams-'));
  const store = new SqliteEventStore(join(dir, 'events.sqlite'));
  const readModels = new SqliteReadModels(join(dir, 'read-models.sqlite'));
  try {
    const { decider, streamId } = workload;
    let state = decider.initialState;
    for (let written = 0; written < events;) {
      const batch = [];
      while (batch.length < APPENDED_AT_ONCE && written + batch.length < events) {
        const ctx = context();
        for (const [index, event] of decider.decide(workload.next(), state).entries()) {
          state = decider.evolve(state, event);
          batch.push({
            id: eventId(ctx.commandId, streamId, index, event),
            type: event.type,
            data: event.data,
            metadata: toMetadata(ctx),
          });
        }
      }
      await store.append(streamId, batch, written === 0 ? 'no_stream' : written - 1);
      written += batch.length;
    }
    const snapshots = { store: readModelSnapshots(readModels), version: 'bench' };
    const run = () =>
      handleCommand(store, streamId, decider, workload.next(), context(), snapshots);
    for (let i = 0; i < WARMUP; i++) await run();
    const times: number[] = [];
    for (let i = 0; i < commands; i++) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    const { businessDate } = workload;
    let asOfMs: number | undefined;
    if (businessDate) {
      const started = performance.now();
      for (let i = 0; i < AS_OF_SAMPLES; i++)
        await stateAsOf(store, streamId, decider, { knownAt: new Date() }, TENANT, {
          businessDate,
          timeZone: 'UTC',
        });
      asOfMs = (performance.now() - started) / AS_OF_SAMPLES;
    }
    return {
      stream: workload.stream,
      events,
      commands,
      meanMs: times.reduce((sum, time) => sum + time, 0) / times.length,
      ms: summarize(times),
      asOfMs,
    };
  } finally {
    await store.close();
    await readModels.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each stream short and long, alternating: the ratio is what a long history costs a command. */
export async function measureStreams(
  lengths: readonly number[],
  commands: number,
): Promise<StreamCost[]> {
  const costs: StreamCost[] = [];
  for (const workload of [numberSeries, customerAccount])
    for (const events of lengths) costs.push(await measure(workload(), events, commands));
  return costs;
}
