import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { uuidFrom } from '@billing/shared/event-store';
import type { CustomerPlan, Payer } from './flows';
import { synthesize } from './synth/synthesize';

/** Generated stores, by key; delete the folder (or pass --fresh) to generate again. */
export const CACHE = join(tmpdir(), 'billing-bench-cache');
/**
 * Generation writes on tmpfs when there is one (the same file, without an fsync per commit), then
 * copies it to CACHE.
 */
const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
/**
 * Bump when the plan or the synthesis changes: older cached stores are then not reused (2: job
 * costs every period, for the WIP schedule).
 */
const GENERATION = 2;
const PAYERS: Payer[] = [
  ...Array<Payer>(14).fill('prompt'),
  'late',
  'late',
  'late',
  'partial',
  'partial',
  'stops',
];

/**
 * Customer n: even ones have one contract billed ten months, odd ones two billed five; half the
 * contracts hold 10% retainage; 70% pay on time.
 */
export function customerPlan(key: string, n: number): CustomerPlan {
  const single = n % 2 === 0;
  const contracts = Array.from({ length: single ? 1 : 2 }, (_, index) => ({
    startMonth: single ? 0 : 5,
    periods: single ? 10 : 5,
    retainage: (n + index) % 2 === 0,
    lines: 1 + ((n + index) % 3),
  }));
  return {
    customerId: uuidFrom(`bench/${key}/customer/${n}`),
    name: `Customer ${n} LLC`,
    payer: PAYERS[n % PAYERS.length],
    contracts,
  };
}

export interface Dataset {
  key: string;
  /** events.sqlite in it is never booted on: copy it first. */
  dir: string;
  events: number;
  customers: number;
  invoices: number;
  streams: number;
  bytes: number;
  generatedInSeconds: number;
  generatedOn: string;
  reused: boolean;
}

export interface DatasetSpec {
  key: string;
  /** Stop after the customer during which the store reached this many events… */
  targetEvents?: number;
  /** …or after this many customers. */
  customers?: number;
}

/**
 * A store of whole customer histories, synthesised from the app's own modules (synth/), cached by
 * key.
 */
export async function dataset(
  spec: DatasetSpec,
  fresh: boolean,
  log: (line: string) => void,
): Promise<Dataset> {
  const dir = join(CACHE, `${spec.key}.g${GENERATION}`);
  const meta = join(dir, 'dataset.json');
  if (!fresh && existsSync(meta))
    return { ...(JSON.parse(readFileSync(meta, 'utf8')) as Dataset), dir, reused: true };
  const scratch = join(SCRATCH, `billing-bench-${spec.key}-${process.pid}.sqlite`);
  rmSync(scratch, { force: true });
  log(`  generating ${spec.key} (once; cached in ${dir})`);
  const started = performance.now();
  let lastLog = Date.now();
  const enough = (customers: number, events: number) => {
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      log(
        `    ${customers} customers, ${events} events, ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );
    }
    return customers >= (spec.customers ?? Infinity) || events >= (spec.targetEvents ?? Infinity);
  };
  const customers = await synthesize(scratch, spec.key, (n) => customerPlan(spec.key, n), enough);
  mkdirSync(dir, { recursive: true });
  copyFileSync(scratch, join(dir, 'events.sqlite'));
  rmSync(scratch, { force: true });
  const result: Dataset = {
    key: spec.key,
    dir,
    ...describeStore(join(dir, 'events.sqlite')),
    customers,
    generatedInSeconds: (performance.now() - started) / 1000,
    generatedOn: new Date().toISOString(),
    reused: false,
  };
  writeFileSync(meta, JSON.stringify(result, null, 2));
  return result;
}

function describeStore(file: string): {
  events: number;
  invoices: number;
  streams: number;
  bytes: number;
} {
  const db = new Database(file, { readonly: true });
  try {
    const count = (sql: string) => db.prepare<[], { n: number }>(sql).get()?.n ?? 0;
    return {
      events: count('SELECT COUNT(*) AS n FROM events'),
      invoices: count("SELECT COUNT(*) AS n FROM events WHERE type = 'InvoiceIssued'"),
      streams: count('SELECT COUNT(DISTINCT stream_id) AS n FROM events'),
      bytes: count(
        'SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()',
      ),
    };
  } finally {
    db.close();
  }
}
