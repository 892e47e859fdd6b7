import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FindOptions } from '@billing/shared/read-models';
import { SqliteReadModels } from '@billing/shared/sqlite';
import { expectOk, runScenario } from '@billing/shared/testing';
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
    const scans = /\bSCAN rm_\w+( \||$)/;
    const unfilteredPageSorted =
      /^\S+ \{("\$and":\[\{\},.*,)?"_tenant":"[^"]*"\} \{.*"limit":.*TEMP B-TREE FOR ORDER BY/;
    const wrong = Object.entries(plans).flatMap(([request, details]) =>
      details
        .filter((detail) => scans.test(detail) || unfilteredPageSorted.test(detail))
        .map((detail) => `${request}: ${detail}`),
    );
    expect(wrong).toEqual([]);
  }, 60_000);
});

async function explainAll(readModels: SqliteReadModels, reads: readonly Read[]): Promise<string[]> {
  const plans = await Promise.all(
    reads.map(({ collection, query, options }) => readModels.explain(collection, query, options)),
  );
  return plans.map(
    (plan, i) =>
      `${reads[i].collection} ${JSON.stringify(reads[i].query)} ${JSON.stringify(reads[i].options)}: ${plan.join(' | ')}`,
  );
}
