import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import request from 'supertest';
import { startTestApp, type TestApp } from '../testing/test-app';
import { operationsOf, type OpenApiDocument, type Operation } from './openapi';
import { badRequests, describeRequest, type BadRequest, type RealValue } from './requests';
import { realValues, seed } from './seed';

/** Fixed so that a failure replays; `FC_SEED=<n>` runs another sample. */
export const SEED = Number(process.env.FC_SEED ?? 20_261_129);
/** Issue 6 item 7: at least this many malformed requests over all operations. */
export const AT_LEAST = 5_000;

/**
 * Operations with no path or query parameter and no body (their headers are free text): no request
 * to them can be malformed.
 */
export const SKIPPED = ['GET /health/live', 'GET /health/ready'];

/** Which spec covers which operations, so that jest's two workers share them. */
export const PARTITIONS: Record<string, (operation: Operation) => boolean> = {
  'contract and milestone commands': (operation) =>
    operation.method !== 'get' && operation.path.startsWith('/contracts'),
  'invoicing and receivables commands': (operation) =>
    operation.method !== 'get' && !operation.path.startsWith('/contracts'),
  queries: (operation) => operation.method === 'get' && !SKIPPED.includes(operation.key),
};

export interface Harness {
  test: TestApp;
  document: OpenApiDocument;
  operations: Operation[];
  /** Requests per operation, so that all of them together send at least AT_LEAST. */
  runs: number;
  run(partition: string): Promise<{ sent: Record<string, number>; failures: string[] }>;
  close(): Promise<void>;
}

/**
 * The embedded app on in-memory adapters, seeded, listening on a loopback port, with its served
 * document read.
 */
export async function startHarness(): Promise<Harness> {
  const quiet = (['warn', 'error'] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation(() => undefined),
  );
  const test = await startTestApp();
  const real = realValues(await seed(test));
  await test.app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(test.app.getHttpServer().address() as AddressInfo).port}`;
  const document = (await request(base).get('/docs-json').expect(200)).body as OpenApiDocument;
  const operations = operationsOf(document);
  const runs = Math.ceil(
    AT_LEAST / operations.filter((operation) => !SKIPPED.includes(operation.key)).length,
  );
  return {
    test,
    document,
    operations,
    runs,
    run: (partition) =>
      runPartition({ test, base, real, runs }, operations.filter(PARTITIONS[partition])),
    close: async () => {
      await test.close();
      quiet.forEach((spy) => spy.mockRestore());
    },
  };
}

interface Target {
  test: TestApp;
  base: string;
  real: RealValue;
  runs: number;
}

async function runPartition(
  target: Target,
  operations: Operation[],
): Promise<{ sent: Record<string, number>; failures: string[] }> {
  const sent: Record<string, number> = {};
  const failures: string[] = [];
  for (const operation of operations) {
    sent[operation.key] = 0;
    const seed = seedFor(operation.key);
    const property = fc.asyncProperty(badRequests(operation, target.real), async (bad) => {
      sent[operation.key] += 1;
      await expectRefused(target, bad);
    });
    try {
      // No shrinking: a request that got through changed the state the next ones meet; the first
      // failure is the one to read.
      await fc.assert(property, {
        numRuns: target.runs,
        seed,
        endOnFailure: true,
        includeErrorInReport: true,
      });
    } catch (error) {
      failures.push(
        `${operation.key} (FC_SEED=${SEED}, operation seed ${seed}):\n${(error as Error).message}`,
      );
      await target.test.settle();
    }
  }
  return { sent, failures };
}

/**
 * One seed per operation, from SEED: adding an operation leaves the others' requests as they were.
 */
function seedFor(key: string): number {
  let hash = SEED | 0;
  for (const char of key) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

const REFUSED_AS_MALFORMED = [400, 413, 415];

/**
 * 4xx (400, 413 or 415), Problem Details whose `status` is the HTTP status, and the event store's
 * head where it was.
 */
async function expectRefused({ test, base }: Target, bad: BadRequest): Promise<void> {
  const store = test.infrastructure.eventStore;
  const before = await store.headPosition();
  // As given: superagent would write a Buffer under a JSON Content-Type as
  // {"type":"Buffer","data":[…]}.
  const call = request(base)
    [bad.method](bad.url)
    .set({ authorization: `Bearer ${test.token}`, ...bad.headers })
    .serialize((body: unknown) => body as string);
  const reply = await (bad.body === undefined ? call : call.send(bad.body));
  const after = await store.headPosition();
  const body = (reply.body ?? {}) as Record<string, unknown>;
  const wrong = [
    (reply.status < 400 || reply.status > 499) && `answered ${reply.status}`,
    // 404, 409 or 422 would mean a handler looked the request up: the HTTP layer let a malformed
    // one through.
    reply.status >= 400 &&
      reply.status < 500 &&
      !REFUSED_AS_MALFORMED.includes(reply.status) &&
      `answered ${reply.status}, not as malformed`,
    reply.type !== 'application/problem+json' && `Content-Type ${reply.type}`,
    body.status !== reply.status && `Problem status ${String(body.status)}`,
    ['type', 'title', 'detail'].some(
      (field) => typeof body[field] !== 'string' || body[field] === '',
    ) && 'a Problem without type, title or detail',
    after !== before && `the event store's head moved from ${before} to ${after}`,
    bad.field !== undefined &&
      !namesField(body, bad.field) &&
      `a refusal that does not name ${bad.field} (did a handler trip over it?)`,
  ].filter(Boolean);
  if (wrong.length > 0)
    throw new Error(
      `${wrong.join('; ')}\n  request: ${describeRequest(bad)}\n  answer: ${reply.status} ${reply.type} ${reply.text?.slice(0, 400)}`,
    );
}

/**
 * A body field's flaw is refused by name: in `errors` (the validation pipe) or in `detail` (the
 * body guards), not by whatever a handler made of it.
 */
function namesField(problem: Record<string, unknown>, field: string): boolean {
  const errors = Array.isArray(problem.errors) ? (problem.errors as { field?: unknown }[]) : [];
  const named = errors.map((error) => String(error.field));
  return (
    named.some(
      (name) => name === field || field.startsWith(`${name}.`) || name.startsWith(`${field}.`),
    ) || String(problem.detail).includes(field)
  );
}
