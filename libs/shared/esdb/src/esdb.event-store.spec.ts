import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import {
  verifyChains,
  WrongExpectedVersionError,
  type NewEvent,
  type RecordedEvent,
} from '@billing/shared/event-store';
import { logger } from '@billing/shared/logging';
import { eventStoreConformance, oneByteChanged } from '@billing/shared/testing';
import { startEsdbEmulator, type EsdbEmulator } from '@billing/infra/esdb-emulator';
import { EsdbEventStore } from './esdb.event-store';
import { READ_AHEAD } from './esdb.reader';

let emulator: EsdbEmulator;
beforeAll(async () => (emulator = await startEsdbEmulator({ port: 0 })));
afterAll(async () => emulator.stop());

eventStoreConformance(
  'esdb (emulator)',
  async () => new EsdbEventStore(emulator.url),
  async (_store, streamId, revision) => emulator.rewrite(streamId, revision, oneByteChanged),
);

const metadata = (command?: string) => ({
  tenantId: 't1',
  correlationId: randomUUID(),
  causationId: randomUUID(),
  actor: 'clerk@firm',
  occurredAt: '2026-03-01T10:00:00.000Z',
  schemaVersion: 2,
  ...(command ? { command } : {}),
});
const event = (type: string, data: unknown = {}, command?: string): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: metadata(command),
});

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('EsdbEventStore on the emulator', () => {
  let store: EsdbEventStore;
  beforeEach(() => (store = new EsdbEventStore(emulator.url)));
  afterEach(async () => store.close());

  it('round-trips the metadata object, the event id and the created date in every read', async () => {
    const stream = `contract-${randomUUID()}`;
    const appended = event(
      'ContractCreated',
      { value: { amount: '1000000.00', currency: 'USD' } },
      'CreateContract',
    );
    const before = Date.now();
    await store.append(stream, [appended], 'no_stream');
    const [read] = await store.readStream(stream);
    expect(read).toMatchObject({
      id: appended.id,
      type: 'ContractCreated',
      data: appended.data,
      metadata: appended.metadata,
      revision: 0,
    });
    expect(Date.parse(read.recordedAt)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(read.recordedAt)).toBeLessThanOrEqual(Date.now());
    const [fromAll] = await store.readAll({
      fromPosition: read.position - 1,
      streamPrefixes: [stream],
    });
    expect(fromAll).toEqual(read);
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeToAll(
      { fromPosition: 0, streamPrefixes: [stream] },
      async (e) => void seen.push(e),
    );
    await until(() => seen.length === 1, 'the event');
    await subscription.stop();
    expect(seen[0]).toEqual(read);
  });

  it('appends after a stream it has read in one round trip (the last hash is known), and the chain holds', async () => {
    const stream = `account-${randomUUID()}`;
    await store.append(stream, [event('A')], 'no_stream');
    const loaded = await store.readStream(stream);
    const other = new EsdbEventStore(emulator.url);
    try {
      await other.readStream(stream);
      const reads = jest.spyOn(
        (other as unknown as { client: EventStoreDBClient }).client,
        'readStream',
      );
      await other.append(stream, [event('B')], loaded.at(-1)!.revision);
      await other.append(stream, [event('C')], loaded.at(-1)!.revision + 1);
      expect(reads).not.toHaveBeenCalled();
    } finally {
      await other.close();
    }
    expect(await verifyChains(store, { streamId: stream })).toMatchObject({
      events: 3,
      verified: 3,
      intact: true,
    });
  });

  it('keeps the chain link in the stored metadata, and verify names an event appended around the adapter with a wrong hash or none', async () => {
    const stream = `billing-${randomUUID()}`;
    await store.append(stream, [event('A', { n: 1 }), event('B', { n: 2 })], 'no_stream');
    const [, second] = await store.readStream(stream);
    const raw = EventStoreDBClient.connectionString(emulator.url);
    const stored: unknown[] = [];
    for await (const resolved of raw.readStream(stream)) stored.push(resolved.event!.metadata);
    expect(stored[1]).toEqual({
      ...second.metadata,
      chain: { hash: second.hash, recordedAt: second.recordedAt },
    });
    const forged = event('C', { n: 3 });
    await raw.appendToStream(
      stream,
      jsonEvent({
        id: forged.id,
        type: 'C',
        data: { n: 3 },
        metadata: {
          ...forged.metadata,
          chain: { hash: second.hash!, recordedAt: second.recordedAt },
        },
      }),
    );
    const bare = event('D', { n: 4 });
    await raw.appendToStream(
      stream,
      jsonEvent({ id: bare.id, type: 'D', data: { n: 4 }, metadata: bare.metadata }),
    );
    await raw.dispose();
    const report = await verifyChains(store, { streamId: stream });
    expect(report).toMatchObject({ events: 4, verified: 2, breakCount: 2, intact: false });
    expect(
      report.breaks.map(({ revision, eventId, kind, found }) => ({
        revision,
        eventId,
        kind,
        found,
      })),
    ).toEqual([
      { revision: 2, eventId: forged.id, kind: 'hash', found: second.hash },
      { revision: 3, eventId: bare.id, kind: 'unhashed', found: 'none' },
    ]);
    await store.append(stream, [event('E', { n: 5 })], 3);
    expect((await verifyChains(store, { streamId: stream })).verified).toBe(3);
  });

  it("maps the client's WrongExpectedVersionError to ours, with the stream's actual revision", async () => {
    const stream = `invoice-${randomUUID()}`;
    await store.append(stream, [event('A'), event('B')], 'no_stream');
    const refusal = (expected: Parameters<EsdbEventStore['append']>[2], on = stream) =>
      store.append(on, [event('C')], expected).catch((error: unknown) => error);
    const wrongRevision = await refusal(0);
    expect(wrongRevision).toBeInstanceOf(WrongExpectedVersionError);
    expect(wrongRevision).toMatchObject({ streamId: stream, expected: 0, actual: 1 });
    expect(await refusal('no_stream')).toMatchObject({ expected: 'no_stream', actual: 1 });
    expect(await refusal(7)).toMatchObject({ expected: 7, actual: 1 });
    expect(await refusal('stream_exists', `invoice-${randomUUID()}`)).toMatchObject({
      expected: 'stream_exists',
      actual: 'no_stream',
    });
  });

  it('reports positions as the commit positions EventStoreDB gives, with the head consistent with reads', async () => {
    const stream = `milestone-${randomUUID()}`;
    const result = await store.append(stream, [event('A'), event('B')], 'no_stream');
    const raw = EventStoreDBClient.connectionString(emulator.url);
    const commits: bigint[] = [];
    for await (const resolved of raw.readStream(stream))
      commits.push(resolved.event!.position!.commit);
    await raw.dispose();
    const read = await store.readStream(stream);
    expect(read.map((e) => BigInt(e.position))).toEqual(commits);
    expect(result.position).toBe(read[1].position);
    expect(await store.headPosition()).toBe(read[1].position);
    expect(await store.readAll({ fromPosition: await store.headPosition() })).toEqual([]);
  });

  it('leaves the system streams out of $all reads, the head and subscriptions', async () => {
    const stream = `account-${randomUUID()}`;
    await store.append(stream, [event('Opened')], 'no_stream');
    const head = await store.headPosition();
    const raw = EventStoreDBClient.connectionString(emulator.url);
    await raw.appendToStream(
      `$stats-${randomUUID()}`,
      jsonEvent({ type: '$statsCollected', data: {} }),
    );
    await raw.dispose();
    expect(await store.headPosition()).toBe(head);
    expect(await store.readAll({ fromPosition: head })).toEqual([]);
    expect(
      (await store.readAll({ direction: 'backwards', maxCount: 1 })).map((e) => e.streamId),
    ).toEqual([stream]);
    const seen: string[] = [];
    const subscription = store.subscribeToAll(
      { fromPosition: head - 1 },
      async (e) => void seen.push(e.streamId),
    );
    await store.append(stream, [event('Credited')], 0);
    await until(() => seen.length >= 2, 'two events');
    await subscription.stop();
    expect(seen).toEqual([stream, stream]);
  });

  it('runs a filtered catch-up subscription from a position while another writer appends', async () => {
    const prefix = `receivable-${randomUUID()}-`;
    const writer = new EsdbEventStore(emulator.url);
    await writer.append(`${prefix}0`, [event('Before')], 'no_stream');
    const from = await writer.headPosition();
    const write = async (n: number) => {
      await writer.append(`${prefix}${n % 3}`, [event('Matched', { n })], 'any');
      await writer.append(`other-${randomUUID()}`, [event('Elsewhere', { n })], 'no_stream');
    };
    for (let n = 0; n < 20; n++) await write(n);
    const seen: number[] = [];
    const subscription = store.subscribeToAll(
      { fromPosition: from, streamPrefixes: [prefix] },
      async (e) => {
        seen.push((e.data as { n: number }).n);
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
    );
    const writing = (async () => {
      for (let n = 20; n < 60; n++) await write(n);
    })();
    await writing;
    await until(() => seen.length >= 60, '60 events');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await subscription.stop();
    await writer.close();
    expect(seen).toEqual([...Array(60).keys()]);
    expect(subscription.position).toBe(
      (await store.readAll({ direction: 'backwards', streamPrefixes: [prefix], maxCount: 1 }))[0]
        .position,
    );
    // 120 appends over gRPC: about 1 s here, several on a machine loaded by other work.
  }, 30_000);

  it('subscribes again after a server restart, from the last event it handled: every event once, in order', async () => {
    const prefix = `restart-${randomUUID().slice(0, 8)}-`;
    const writer = new EsdbEventStore(emulator.url);
    // As runApp binds it: the reader thread's lines name the service too.
    logger.setBindings({ service: 'esdb-spec' });
    await store.close();
    store = new EsdbEventStore(emulator.url);
    const seen: number[] = [];
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const subscription = store.subscribeToAll(
      { fromPosition: 0, streamPrefixes: [prefix] },
      async (e) => void seen.push((e.data as { n: number }).n),
    );
    try {
      for (let n = 0; n < 3; n++)
        await writer.append(`${prefix}${n}`, [event('Happened', { n })], 'no_stream');
      await until(() => seen.length === 3, 'the events before the restart');
      await emulator.restart(1_500);
      // The writer's first call after the restart may find the old connection gone: a caller tries
      // again (a 503 over HTTP).
      for (let n = 3; n < 6; n++)
        await appendWhenUp(() =>
          writer.append(`${prefix}${n}`, [event('Happened', { n })], 'no_stream'),
        );
      await until(() => seen.length >= 6, 'the events after the restart', 15_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
      expect(logged).toHaveBeenCalledWith(
        expect.stringMatching(
          /^(?=[^]*"service":"esdb-spec")(?=[^]*subscription to \$all dropped after position \d+; subscribing again in \d+ ms)/,
        ),
      );
    } finally {
      await subscription.stop();
      await writer.close();
      logged.mockRestore();
      logger.setBindings({ service: undefined });
    }
  }, 30_000);
});

describe('the reader thread (esdb.reader.ts)', () => {
  it('reads subscriptions off the store thread, no more than READ_AHEAD events ahead of a slow handler', async () => {
    const prefix = `ahead-${randomUUID().slice(0, 8)}-`;
    const store = new EsdbEventStore(emulator.url);
    const count = READ_AHEAD + 1_500;
    for (let i = 0; i < count; i += 500)
      await store.append(
        `${prefix}0`,
        Array.from({ length: 500 }, (_, j) => event('Happened', { n: i + j })),
        i === 0 ? 'no_stream' : i - 1,
      );
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const seen: number[] = [];
    const subscription = store.subscribeToAll(
      { fromPosition: 0, streamPrefixes: [prefix] },
      async (e) => {
        if (seen.push((e.data as { n: number }).n) === 1) await held;
      },
    );
    try {
      await until(() => seen.length === 1, 'the first event');
      await new Promise((resolve) => setTimeout(resolve, 500));
      // What it holds for the handler that has not returned yet (white box: the store's own).
      const queued = [
        ...(
          store as unknown as { reader: { readings: Map<number, { queue: unknown[] }> } }
        ).reader.readings.values(),
      ].reduce((total, reading) => total + reading.queue.length, 0);
      expect(queued).toBeGreaterThan(0);
      expect(queued).toBeLessThanOrEqual(READ_AHEAD);
      release();
      await until(() => seen.length === count, 'every event');
      expect(seen).toEqual([...Array(count).keys()]);
    } finally {
      await subscription.stop();
      await store.close();
    }
  }, 30_000);

  it('reads every subscription again from the last event its handler took when the thread dies, a handler still busy: every event once, in order', async () => {
    const prefix = `reader-${randomUUID().slice(0, 8)}-`;
    const store = new EsdbEventStore(emulator.url);
    const seen: number[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const subscription = store.subscribeToAll(
      { fromPosition: 0, streamPrefixes: [prefix] },
      async (e) => {
        const { n } = e.data as { n: number };
        seen.push(n);
        if (n === 2) await held;
      },
    );
    try {
      for (let n = 0; n < 3; n++)
        await store.append(`${prefix}${n}`, [event('Happened', { n })], 'no_stream');
      await until(() => seen.length === 3, 'the third event in the handler');
      // White box: the store's own thread, ended as a crash would.
      const { reader } = store as unknown as {
        reader: { worker: { terminate(): Promise<number> } };
      };
      await reader.worker.terminate();
      for (let n = 3; n < 6; n++)
        await store.append(`${prefix}${n}`, [event('Happened', { n })], 'no_stream');
      // A new thread reads again from the last event handled (the second): the third comes again
      // while the handler still has it.
      await until(() => logged.mock.calls.length > 0, 'the log line');
      await new Promise((resolve) => setTimeout(resolve, 500));
      release();
      await until(() => seen.length >= 6, 'the events after', 10_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
      expect(logged).toHaveBeenCalledWith(
        expect.stringMatching(
          /the event-store reader thread exited; reading 1 subscription\(s\) again in 100 ms/,
        ),
      );
    } finally {
      release();
      await subscription.stop();
      await store.close();
      logged.mockRestore();
    }
  }, 30_000);
});

async function appendWhenUp(append: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await append();
      return;
    } catch (error) {
      if (attempt >= 20 || error instanceof WrongExpectedVersionError) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
