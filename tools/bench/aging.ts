import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { forTenant } from '@billing/shared/read-models';
import { SqliteReadModels } from '@billing/shared/sqlite';
import { agingByCustomer } from '../../libs/receivables/feature/src/read-models/account-reports';
import {
  ITEMS,
  RETAINAGE,
  type ReceivableItem,
  type RetainageView,
} from '../../libs/receivables/feature/src/read-models/accounts.projection';
import { startApp } from './app-process';
import { workingCopy, type Built } from './build';
import { HttpClient, ok } from './http-client';
import { summarize, type Summary } from './stats';

export const AGING_AS_OF = '2026-11-15';
/**
 * After the stores' last business date (2026-11-25): the aging of now, which reads the tenant's
 * totals and the page's customers only.
 */
export const AGING_NOW = '2026-11-30';
const WARMUP = 20;
/**
 * Runs of the in-process reference (every open item read, over a second each at 10,000 customers):
 * enough for its median.
 */
const REFERENCE_RUNS = 20;

export interface AgingFigures {
  built: Built;
  samples: number;
  /**
   * GET /aging as of AGING_NOW, then as of AGING_AS_OF (a past date: every invoice open on it is
   * read).
   */
  now: Summary;
  http: Summary;
  /**
   * The same two reads and the same aging function in this process on the built read models: no
   * HTTP, Nest or JSON.
   */
  reads: Summary;
  readsAndAging: Summary;
  answer: {
    bytes: number;
    customers: number;
    openInvoices: number;
    overdueInvoices: number;
    candidates: number;
    retainageRows: number;
  };
}

/**
 * GET /aging?asOf=… against the app on the built store, one request at a time, then the in-process
 * reference.
 */
export async function measureAging(
  source: Built,
  samples: number,
  log: (line: string) => void,
): Promise<AgingFigures> {
  const dataDir = workingCopy(source, 'aging');
  try {
    log(
      `  aging: ${samples} GET /aging?asOf=${AGING_NOW} and ${samples} ?asOf=${AGING_AS_OF} on ${source.dataset.customers.toLocaleString('en-US')} customers, ${source.dataset.invoices.toLocaleString('en-US')} invoices`,
    );
    const app = await startApp({ dataDir });
    const client = new HttpClient(app.url, 4, app.token);
    // The two dates in turns, so that neither is measured alone in the minutes after the boot.
    const [now, latencies]: number[][] = [[], []];
    let last: any;
    try {
      for (let i = 0; i < WARMUP + samples; i++) {
        for (const [asOf, into] of [
          [AGING_NOW, now],
          [AGING_AS_OF, latencies],
        ] as const) {
          const started = performance.now();
          last = await ok(client.get(`/aging?asOf=${asOf}`), 'aging');
          if (i >= WARMUP) into.push(performance.now() - started);
        }
      }
    } finally {
      client.close();
      await app.stop();
    }
    const reference = await inProcess(
      join(dataDir, 'read-models.sqlite'),
      Math.min(samples, REFERENCE_RUNS),
    );
    const invoices = (last.customers as { invoices: { bucket: string }[] }[]).flatMap(
      (customer) => customer.invoices,
    );
    const answer = {
      bytes: Buffer.byteLength(JSON.stringify(last)),
      customers: last.customers.length as number,
      openInvoices: invoices.length,
      overdueInvoices: invoices.filter((invoice) => invoice.bucket !== 'current').length,
      ...reference.sizes,
    };
    return {
      built: source,
      samples,
      now: summarize(now),
      http: summarize(latencies),
      reads: reference.reads,
      readsAndAging: reference.total,
      answer,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function inProcess(file: string, samples: number) {
  const store = new SqliteReadModels(file);
  const tenant = forTenant(store, 'default');
  const reads: number[] = [];
  const total: number[] = [];
  let sizes = { candidates: 0, retainageRows: 0 };
  try {
    for (let i = 0; i < 1 + samples; i++) {
      const started = performance.now();
      const items = await tenant.find<ReceivableItem>(ITEMS, { closedOn: { $gt: AGING_AS_OF } });
      const retainage = await tenant.find<RetainageView>(RETAINAGE, {
        heldUntil: { $gt: AGING_AS_OF },
      });
      const read = performance.now();
      agingByCustomer(items, retainage, new Map(), AGING_AS_OF);
      sizes = { candidates: items.length, retainageRows: retainage.length };
      if (i < 1) continue;
      reads.push(read - started);
      total.push(performance.now() - started);
    }
  } finally {
    await store.close();
  }
  return { reads: summarize(reads), total: summarize(total), sizes };
}
