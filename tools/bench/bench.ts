import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { NewEvent } from '@billing/shared/event-store';
import { StoreBackedBus } from '@billing/shared/bus';
import { Background, composeApp, configureHttp } from '@billing/shared/nest';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { SqliteEventStore } from '@billing/shared/sqlite';
import { CUSTOMER, expectOk, fetchClient, runScenario, smallContract } from '@billing/shared/testing';
import { STANDALONE } from '../../apps/standalone/src/app.module';

/**
 * npm run bench: the embedded SQLite store (WAL, synchronous=FULL) on this machine.
 * Sizes can be raised with BENCH_SCALE (default 1).
 */
const scale = Number(process.env.BENCH_SCALE ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'billing-bench-'));

function event(type = 'Benchmarked'): NewEvent {
  return {
    id: randomUUID(),
    type,
    data: { amount: 123_456, note: 'x'.repeat(200) },
    metadata: { tenantId: 'bench', correlationId: randomUUID(), causationId: randomUUID(), actor: 'bench', occurredAt: new Date().toISOString(), schemaVersion: 1 },
  };
}

async function appendThroughput() {
  const store = new SqliteEventStore(join(dir, 'append.sqlite'));
  const singles = 2_000 * scale;
  let started = performance.now();
  for (let i = 0; i < singles; i++) await store.append(`bench-${i % 100}`, [event()], 'any');
  const singleRate = singles / ((performance.now() - started) / 1000);
  const batches = 200 * scale;
  started = performance.now();
  for (let i = 0; i < batches; i++)
    await store.append(
      `batch-${i}`,
      Array.from({ length: 50 }, () => event()),
      'no_stream',
    );
  const batchRate = (batches * 50) / ((performance.now() - started) / 1000);
  await store.close();
  return { singles, singleRate, batches, batchRate };
}

async function start(file: string): Promise<{ app: INestApplication; url: string; background: Background }> {
  const eventStore = new SqliteEventStore(file);
  const readModels = new InMemoryReadModels();
  const infrastructure = {
    eventStore,
    bus: new StoreBackedBus(eventStore, readModels),
    readModels,
    clock: { now: () => new Date() },
    settings: { timeZone: 'UTC' },
  };
  const app = configureHttp(await NestFactory.create(composeApp(STANDALONE, infrastructure), { logger: ['error'] }), 'bench');
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}`, background: app.get(Background) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function commandLatency(file: string) {
  const { app, url, background } = await start(file);
  const client = fetchClient(url);
  const latencies: number[] = [];
  const timed = async <T>(call: () => Promise<T>) => {
    const started = performance.now();
    const result = await call();
    latencies.push(performance.now() - started);
    return result;
  };
  const contracts = 100 * scale;
  for (let i = 0; i < contracts; i++) {
    const body = smallContract({ customer: { ...CUSTOMER, id: randomUUID() }, title: `Job ${i}` });
    const { contractId } = await timed(() => expectOk<any>(client.post('/contracts', body), 'create'));
    await timed(() => expectOk(client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }), 'activate'));
    await background.settle();
    await timed(() =>
      expectOk(
        client.post(`/contracts/${contractId}/progress-reports`, { periodEnd: '2026-01-31', lines: [{ lineId: 'A', percentComplete: 2500, storedMaterials: 0 }] }),
        'report',
      ),
    );
    await timed(() => expectOk(client.post(`/contracts/${contractId}/progress-reports/2026-01-31/certify`, { date: '2026-02-01' }), 'certify'));
  }
  // Fill the store with whole billing histories for the replay measurement.
  for (let i = 0; i < 25 * scale; i++) await runScenario(client, { customerId: randomUUID() });
  await background.settle();
  await app.close();
  latencies.sort((a, b) => a - b);
  return { commands: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function replayRate(file: string) {
  const events = await new SqliteEventStore(file).headPosition();
  const started = performance.now();
  const { app, background } = await start(file);
  await background.settle();
  const seconds = (performance.now() - started) / 1000;
  await app.close();
  return { events, seconds, rate: events / seconds };
}

async function main() {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Machine: ${cpus().length} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, SQLite file in ${tmpdir()}\n`);
  const append = await appendThroughput();
  const file = join(dir, 'app.sqlite');
  const latency = await commandLatency(file);
  const replay = await replayRate(file);
  console.log('| measure | result |');
  console.log('|---|---|');
  console.log(`| append, 1 event per append (${append.singles} appends) | ${append.singleRate.toFixed(0)} events/s |`);
  console.log(`| append, 50 events per append (${append.batches} appends) | ${append.batchRate.toFixed(0)} events/s |`);
  console.log(`| HTTP command latency (${latency.commands} commands: create, activate, report, certify) | p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms |`);
  console.log(`| full replay into the read models at boot (${replay.events} events, reactions included) | ${replay.rate.toFixed(0)} events/s (${replay.seconds.toFixed(2)} s) |`);
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
