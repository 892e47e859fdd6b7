import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InMemoryEventStore,
  type ReadAllOptions,
  type ReadStreamOptions,
} from '@billing/shared/event-store';
import type { FindOptions } from '@billing/shared/read-models';
import { SqliteReadModels } from '@billing/shared/sqlite';
import { expectOk, runScenario, smallContract } from '@billing/shared/testing';
import { startTestApp } from './testing/test-app';

interface Read {
  collection: string;
  query: Record<string, unknown>;
  options: FindOptions;
}

/** The SQLite read models, recording every find and count a request makes. */
class RecordingReadModels extends SqliteReadModels {
  readonly reads: Read[] = [];
  override find<T>(
    collection: string,
    query: Record<string, unknown> = {},
    options: FindOptions = {},
  ) {
    this.reads.push({ collection, query, options });
    return super.find<T>(collection, query, options);
  }
  override count(collection: string, query: Record<string, unknown> = {}) {
    this.reads.push({ collection, query, options: {} });
    return super.count(collection, query);
  }
}

/**
 * Issue 5 item 6: queries and jobs read what they need through indexes, not scans. Every read the
 * list, report and job endpoints make is explained on the embedded store: none scans a table or
 * sorts apart from an index, so its cost follows the page and the rows it needs, not the history.
 */
describe('what the queries and jobs read, on the embedded SQLite read models', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-plans-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads through indexes: no table scan, and a page of a whole list in index order', async () => {
    const readModels = new RecordingReadModels(join(dir, 'read-models.sqlite'));
    const test = await startTestApp({ readModels });
    const plans: Record<string, string[]> = {};
    try {
      const { contractId, customerId, release } = await runScenario(test.client);
      await test.settle();
      const endpoints = [
        '/contracts',
        '/contracts?status=closed',
        `/contracts?customerId=${customerId}`,
        `/contracts/${contractId}/history`,
        `/invoices?contractId=${contractId}`,
        '/invoices?status=issued',
        `/invoices?customerId=${customerId}`,
        '/invoices?status=void&limit=10',
        `/aging?asOf=2026-07-15&customerId=${customerId}`,
        '/aging?asOf=2026-07-15',
        `/accounts/${customerId}`,
        `/accounts/${customerId}/statement?from=2026-03-01&to=2026-05-31`,
        `/accounts/${customerId}/aging?asOf=2026-07-15`,
        `/invoices/${release.invoiceId}`,
      ];
      // The page after a cursor, of a whole list and of a filtered one.
      for (const list of [
        '/contracts?limit=1',
        '/invoices?status=issued&limit=2',
        '/aging?asOf=2026-07-15&limit=1',
      ])
        endpoints.push(/^<([^>]+)>/.exec((await test.client.get(list)).headers?.link ?? '')![1]);
      for (const path of endpoints) {
        readModels.reads.length = 0;
        await expectOk(test.client.get(path), path);
        plans[`GET ${path.replace(/[0-9a-f-]{36}/g, ':id')}`] = await explainAll(
          readModels,
          readModels.reads,
        );
      }
      readModels.reads.length = 0;
      await expectOk(test.client.post('/reminders/run', { runDate: '2026-12-31' }), 'reminders');
      plans['POST /reminders/run'] = await explainAll(readModels, readModels.reads);
    } finally {
      await test.close();
    }
    // No read scans a table; a page of a whole list (the tenant its only filter, and after a
    // cursor the keyset's range) comes in index order, not sorted apart: sorting what a narrower filter matched (a contract's invoices) costs
    // what the filter matched.
    // A SCAN reads the whole table, every tenant's rows, even through an index (to skip a sort).
    const scans = /\bSCAN rm_\w+/;
    const unfilteredPageSorted =
      /^\S+ \{("\$and":\[\{\},.*,)?"_tenant":"[^"]*"\} \{.*"limit":.*TEMP B-TREE FOR ORDER BY/;
    const wrong = Object.entries(plans).flatMap(([request, details]) =>
      details
        .filter(
          (detail) =>
            scans.test(detail) || unfilteredPageSorted.test(detail) || filteredRowByRow(detail),
        )
        .map((detail) => `${request}: ${detail}`),
    );
    expect(wrong).toEqual([]);
  }, 60_000);
});

/**
 * A search that constrains fewer fields by equality through its index than the query asks equal:
 * it reads every row the index gives for the rest (a tenant's whole collection, when only the
 * tenant is constrained) and filters them one by one. (Of two ranges an index serves one.)
 */
function filteredRowByRow(detail: string): boolean {
  const [, query, constrained] =
    /^\S+ (\{.*?\}) \{.*\}: SEARCH rm_\w+ USING (?:COVERING )?INDEX \S+ \(([^)]*)\)/.exec(detail) ??
    [];
  if (!query) return false;
  const equal = Object.values(JSON.parse(query) as Record<string, unknown>).filter(
    (value) => value === null || typeof value !== 'object',
  );
  return (constrained.match(/<expr>=\?/g) ?? []).length < equal.length;
}

async function explainAll(readModels: SqliteReadModels, reads: readonly Read[]): Promise<string[]> {
  const plans = await Promise.all(
    reads.map(({ collection, query, options }) => readModels.explain(collection, query, options)),
  );
  return plans.map(
    (plan, i) =>
      `${reads[i].collection} ${JSON.stringify(reads[i].query)} ${JSON.stringify(reads[i].options)}: ${plan.join(' | ')}`,
  );
}

/**
 * Issue 5 item 6, for auditors: a stream's, a flow's or a recorded time range's events are found
 * through the audit index, a page at a time, not by reading the whole store (or stream) from its
 * start, and the index is read through its own indexes.
 */
describe('what the audit views read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-audit-plans-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a stream, a flow and a time range read the index and their own events, never the log or the stream from its start', async () => {
    const readModels = new RecordingReadModels(join(dir, 'read-models.sqlite'));
    const eventStore = new InMemoryEventStore();
    const fromTheStart: (ReadAllOptions | ReadStreamOptions)[] = [];
    const readAll = eventStore.readAll.bind(eventStore);
    eventStore.readAll = (options = {}) => {
      if (!options.fromPosition && options.direction !== 'backwards') fromTheStart.push(options);
      return readAll(options);
    };
    const readStream = eventStore.readStream.bind(eventStore);
    eventStore.readStream = (streamId, options = {}) => {
      // A page holds at most 5 events below: a read of more is a read of the stream.
      if (options.maxCount === undefined || options.maxCount > 5) fromTheStart.push(options);
      return readStream(streamId, options);
    };
    const test = await startTestApp({ eventStore, readModels });
    const plans: Record<string, string[]> = {};
    try {
      const correlationId = 'audit-plans-flow';
      await expectOk(
        test.client.post('/contracts', smallContract(), { 'x-correlation-id': correlationId }),
        'create',
      );
      const { contractId } = await runScenario(test.client);
      await test.settle();
      const [first] = (await test.client.get(`/audit/flows/${correlationId}`)).body;
      const next = (await test.client.get(`/audit/streams/contract-${contractId}/events?limit=1`))
        .headers?.link;
      fromTheStart.length = 0;
      for (const path of [
        `/audit/streams/contract-${contractId}/events?limit=5`,
        /^<([^>]+)>/.exec(next ?? '')![1],
        `/audit/flows/${correlationId}`,
        `/audit/events?from=${first.recordedAt}&limit=5`,
        `/audit/events?from=2026-01-01T00:00:00Z&to=2999-01-01T00:00:00Z&offset=3&limit=5`,
      ]) {
        readModels.reads.length = 0;
        const answer = await expectOk<unknown[]>(test.client.get(path), path);
        expect(answer.length).toBeGreaterThan(0);
        plans[`GET ${path}`] = await explainAll(readModels, readModels.reads);
      }
    } finally {
      await test.close();
    }
    expect(fromTheStart).toEqual([]);
    const reads = Object.entries(plans).flatMap(([request, details]) =>
      details.map((detail) => `${request}: ${detail}`),
    );
    expect(reads.length).toBeGreaterThan(0);
    // A page comes in index order: no sort of every event the flow or the range holds.
    const scanned = reads.filter((detail) => /\bSCAN rm_\w+/.test(detail));
    const sorted = reads.filter((detail) => /"limit":.*TEMP B-TREE/.test(detail));
    expect([...scanned, ...sorted]).toEqual([]);
  }, 60_000);
});
