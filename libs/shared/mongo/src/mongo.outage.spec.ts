import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMongo, type RunningMongo } from '@billing/infra/mongo';
import { InMemoryEventStore, type NewEvent } from '@billing/shared/event-store';
import { logTo } from '@billing/shared/logging';
import { ProjectionRunner, withRetries, type Projection } from '@billing/shared/read-models';
import { MongoReadModels } from './mongo.read-models';

/** Five failed attempts would park an event (DEFAULT_RETRY): the outage outlasts five server selections. */
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

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mongo-outage-'));
    server = await startMongo({ dataFile: join(dir, 'mongo.mv.db') });
    readModels = new MongoReadModels(`${server.uri}/outage`, { serverSelectionTimeoutMS: SELECTION_MS });
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
    const record = async (revision: number) => void (await store.append('tally-t1', [tallied(revision)], revision === 0 ? 'no_stream' : revision - 1));
    for (const revision of [0, 1, 2]) await record(revision);
    expect(await runner.caughtUp(await store.headPosition())).toBe(true);

    await server.stop();
    const retried = withRetries(async () => void (await readModels.apply<{ n: number }>('counters', 'c1', 1, (current) => ({ n: (current?.n ?? 0) + 1 }))));
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
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ level: 'warn', msg: expect.stringMatching(/^Mongo\w*Error: .*; waiting for the server/) });
  }, 40_000);
});

const TALLY: Projection = {
  name: 'tallies',
  version: 1,
  streamPrefixes: ['tally-'],
  collections: ['tallies_v1'],
  handle: async (event, store) => void (await store.apply<{ count: number }>('tallies_v1', 't1', event.position, (current) => ({ count: (current?.count ?? 0) + 1 }))),
  affected: () => [{ collection: 'tallies_v1', id: 't1' }],
};

const tallied = (revision: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
  type: 'Tallied',
  data: { revision },
  metadata: { tenantId: 't', correlationId: 'c', causationId: 'c', actor: 'test', occurredAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 },
});
