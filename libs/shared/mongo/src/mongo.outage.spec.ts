import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMongo, type RunningMongo } from '@billing/infra/mongo';
import { InMemoryEventStore, type NewEvent } from '@billing/shared/event-store';
import { logTo } from '@billing/shared/logging';
import {
  isUnavailable,
  ProjectionRunner,
  withRetries,
  type Projection,
} from '@billing/shared/read-models';
import { mongo, type Connection } from 'mongoose';
import { MongoReadModels } from './mongo.read-models';

/**
 * Five failed attempts would park an event (DEFAULT_RETRY): the outage outlasts five server
 * selections.
 */
const SELECTION_MS = 1_000;
const DOWN_MS = 4_000;

/**
 * The Mongo server stopped and started again on its data (mongo-java-server on an H2 file). The
 * driver waits `serverSelectionTimeoutMS` for a server, then fails the operation: the services
 * wait 20 s (platform/reachable.ts), this spec a second, so the outage outlasts it several times.
 */
describe('MongoReadModels while the Mongo server is stopped and started again', () => {
  let dir: string;
  let server: RunningMongo;
  let readModels: MongoReadModels;
  let runner: ProjectionRunner | undefined;
  // The outages are provoked: the warnings they cause stay out of the test output (specs that check
  // them capture the log).
  let warned: jest.SpyInstance;
  beforeEach(() => (warned = jest.spyOn(console, 'warn').mockImplementation(() => undefined)));
  afterEach(() => warned.mockRestore());

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mongo-outage-'));
    server = await startMongo({ dataFile: join(dir, 'mongo.mv.db') });
    readModels = new MongoReadModels(`${server.uri}/outage`, {
      serverSelectionTimeoutMS: SELECTION_MS,
    });
  }, 60_000);

  afterAll(async () => {
    await runner?.stop();
    await readModels?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its documents; a retried update and a projection wait the outage out, apply once and park nothing', async () => {
    const lines: string[] = [];
    const restoreLog = logTo((line) => lines.push(line));
    const store = new InMemoryEventStore();
    runner = new ProjectionRunner(store, readModels);
    await runner.start(TALLY);
    const record = async (revision: number) =>
      void (await store.append(
        'tally-t1',
        [tallied(revision)],
        revision === 0 ? 'no_stream' : revision - 1,
      ));
    for (const revision of [0, 1, 2]) await record(revision);
    expect(await runner.caughtUp(await store.headPosition())).toBe(true);

    await server.stop();
    const retried = withRetries(
      async () =>
        void (await readModels.apply<{ n: number }>('counters', 'c1', 1, (current) => ({
          n: (current?.n ?? 0) + 1,
        }))),
    );
    for (const revision of [3, 4, 5]) await record(revision);
    await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
    server = await startMongo({ port: server.port, dataFile: join(dir, 'mongo.mv.db') });

    expect(await retried).toBeUndefined();
    expect(await readModels.get('counters', 'c1')).toEqual({ _id: 'c1', _position: 1, n: 1 });
    expect(await runner.caughtUp(await store.headPosition(), 20_000)).toBe(true);
    expect(await runner.state.parked()).toEqual([]);
    expect(await readModels.get('tallies_v1', 't1')).toMatchObject({ _position: 6, count: 6 });
    restoreLog();
    // Said once per waiting handler, not once per attempt.
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(2);
    for (const line of lines)
      expect(JSON.parse(line)).toMatchObject({
        level: 'warn',
        msg: expect.stringMatching(/^Mongo\w*Error: .*; waiting for the server/),
      });
  }, 40_000);

  it('keeps every write the server acknowledged through a kill -9 (the H2 file is written before each answer)', async () => {
    for (let n = 1; n <= 20; n++)
      await readModels.apply<{ n: number }>('acknowledged', `d${n}`, n, () => ({ n }));
    await server.kill();
    server = await startMongo({ port: server.port, dataFile: join(dir, 'mongo.mv.db') });
    expect((await readModels.find('acknowledged', {})).length).toBe(20);
  }, 40_000);

  it('takes the error of a bulk write the server went away under for an outage, not a fault of the batch', async () => {
    // A heartbeat a minute away: the driver still takes the server for up, so the write itself
    // meets the closed port.
    const client = await new mongo.MongoClient(`${server.uri}/outage`, {
      serverSelectionTimeoutMS: SELECTION_MS,
      heartbeatFrequencyMS: 60_000,
    }).connect();
    try {
      await server.stop();
      const failure = await client
        .db()
        .collection<{ _id: string }>('bulk')
        .bulkWrite([{ insertOne: { document: { _id: 'b1' } } }])
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ name: 'MongoBulkWriteError' });
      expect(isUnavailable(failure)).toBe(true);
    } finally {
      server = await startMongo({ port: server.port, dataFile: join(dir, 'mongo.mv.db') });
      await client.close();
    }
  }, 40_000);

  it('reconnects when the driver wedges on a connection the server closed, and carries on', async () => {
    const lines: string[] = [];
    const restoreLog = logTo((line) => lines.push(line));
    // mongo-java-server has no awaitable hello: the monitor polls, so a check takes at most two
    // connectTimeoutMS (and one of slack), however rare the checks are.
    const wedging = new MongoReadModels(`${server.uri}/outage`, {
      serverSelectionTimeoutMS: SELECTION_MS,
      connectTimeoutMS: SELECTION_MS,
      heartbeatFrequencyMS: 60_000,
    });
    try {
      await wedging.apply('wedge', 'w1', 1, () => ({ n: 1 }));
      await wedgeMonitor((wedging as unknown as { connection: Connection }).connection.getClient());
      // The server restarts: an operation meets the closed port, the server is Unknown, and only
      // the (wedged) monitor could see it back.
      await server.stop();
      expect(isUnavailable(await wedging.get('wedge', 'w1').catch((error: unknown) => error))).toBe(
        true,
      );
      server = await startMongo({ port: server.port, dataFile: join(dir, 'mongo.mv.db') });
      // As a consumer waits: each attempt fails server selection until the client reconnects (the
      // wedged monitor never would).
      expect(
        await withRetries(
          async () => void (await wedging.apply('wedge', 'w1', 2, () => ({ n: 2 }))),
        ),
      ).toBeUndefined();
      expect(await wedging.get('wedge', 'w1')).toEqual({ _id: 'w1', _position: 2, n: 2 });
      expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toContainEqual(
        `the Mongo driver's heartbeat has run for over ${3 * SELECTION_MS} ms: reconnecting`,
      );
    } finally {
      restoreLog();
      await wedging.close();
    }
  }, 60_000);

  it('gives up an operation the driver wedged on a connection the server closed, once the server is back', async () => {
    const wedging = new MongoReadModels(`${server.uri}/outage`, {
      serverSelectionTimeoutMS: SELECTION_MS,
      connectTimeoutMS: SELECTION_MS,
      heartbeatFrequencyMS: 500,
    });
    try {
      await wedging.apply('wedge', 'w2', 1, () => ({ n: 1 }));
      const wedged = wedgeNextOperation(
        (wedging as unknown as { connection: Connection }).connection.getClient(),
        () => wedging.get('wedge', 'w2'),
      );
      await server.stop();
      expect(isUnavailable(await wedging.get('wedge', 'w2').catch((error: unknown) => error))).toBe(
        true,
      );
      server = await startMongo({ port: server.port, dataFile: join(dir, 'mongo.mv.db') });
      const given = await wedged.catch((error: unknown) => error);
      expect(given).toMatchObject({ name: 'MongoWedgedError' });
      expect(isUnavailable(given)).toBe(true);
      expect(await wedging.get('wedge', 'w2')).toEqual({ _id: 'w2', _position: 1, n: 1 });
    } finally {
      await wedging.close();
    }
  }, 60_000);
});

/** The driver's state that the wedges below reach into: one server, its monitor and its pool. */
function driverServer(client: mongo.MongoClient) {
  type Socket = { socket: { destroy(): void } };
  type Server = {
    monitor: { connection: Socket };
    pool: { connections: { toArray(): Socket[] } };
    requestCheck(): void;
  };
  const { topology } = client as unknown as { topology: { s: { servers: Map<string, Server> } } };
  return [...topology.s.servers.values()][0];
}

/**
 * What mongodb 6 does when a server closes its connections and the monitor checks in the moment
 * between its socket's end and the 'close' event (a race under load): the heartbeat is written to
 * the destroyed socket and waits for a 'drain' that never comes. Here the moment is made, not
 * waited for: the monitor's socket is destroyed and a check requested before 'close' is emitted.
 */
async function wedgeMonitor(client: mongo.MongoClient): Promise<void> {
  const server = driverServer(client);
  // The monitor checks at most every 500 ms (minHeartbeatFrequencyMS): a request sooner would wait
  // past the 'close'.
  await new Promise((resolve) => setTimeout(resolve, 600));
  server.monitor.connection.socket.destroy();
  server.requestCheck();
}

/**
 * The same race for an operation: it takes a pooled connection whose socket is destroyed and not
 * yet closed, and never settles.
 */
function wedgeNextOperation<T>(client: mongo.MongoClient, operation: () => Promise<T>): Promise<T> {
  for (const connection of driverServer(client).pool.connections.toArray())
    connection.socket.destroy();
  return operation();
}

const TALLY: Projection = {
  name: 'tallies',
  version: 1,
  streamPrefixes: ['tally-'],
  collections: ['tallies_v1'],
  handle: async (event, store) =>
    void (await store.apply<{ count: number }>('tallies_v1', 't1', event.position, (current) => ({
      count: (current?.count ?? 0) + 1,
    }))),
  affected: () => [{ collection: 'tallies_v1', id: 't1' }],
};

const tallied = (revision: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
  type: 'Tallied',
  data: { revision },
  metadata: {
    tenantId: 't',
    correlationId: 'c',
    causationId: 'c',
    actor: 'test',
    occurredAt: '2026-01-01T00:00:00.000Z',
    schemaVersion: 1,
  },
});
