import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@billing/shared/sqlite';
import { checkBooks } from '../auditor/check';
import { startApp } from './app-process';
import { customerPlan } from './dataset';
import { runCustomer } from './flows';
import { HttpClient } from './http-client';
import { synthesize } from './synth/synthesize';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * Per stream category, the streams' event-type sequences; and every event's type, data, command and
 * actor with ids, numbers and creation dates blanked.
 */
function shape(file: string): {
  events: number;
  streams: Map<string, number>;
  events_: Map<string, number>;
} {
  const db = new Database(file, { readonly: true });
  const rows = db
    .prepare<[], { stream_id: string; type: string; data: string; metadata: string }>(
      'SELECT stream_id, type, data, metadata FROM events ORDER BY position',
    )
    .all();
  db.close();
  const blank = (text: string) =>
    text
      .replace(UUID, 'U')
      .replace(/INV-\d{4}-\d+/g, 'INV')
      .replace(/"(createdOn|sequence)":("[^"]*"|\d+)/g, '"$1":X');
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const byStream = new Map<string, string[]>();
  const events_ = new Map<string, number>();
  for (const row of rows) {
    const { command, actor } = JSON.parse(row.metadata) as { command?: string; actor: string };
    count(events_, `${row.type} ${blank(row.data)} ${command ?? ''} ${blank(actor)}`);
    byStream.set(row.stream_id, [...(byStream.get(row.stream_id) ?? []), row.type]);
  }
  const streams = new Map<string, number>();
  for (const [id, types] of byStream) count(streams, `${id.split('-')[0]}: ${types.join(',')}`);
  return { events: rows.length, streams, events_ };
}

const differences = (a: Map<string, number>, b: Map<string, number>) =>
  [...new Set([...a.keys(), ...b.keys()])].filter((key) => a.get(key) !== b.get(key)).length;

/**
 * The same customers through the running app over HTTP and through the synthesiser: the stores must
 * differ only in ids and creation dates.
 */
export async function checkSynthesis(customers: number, log: (line: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'billing-bench-synth-check-'));
  try {
    log(`  synth-check: ${customers} customers over HTTP, then synthesised`);
    const app = await startApp({ dataDir: join(dir, 'http') });
    const client = new HttpClient(app.url, 16, app.token);
    try {
      for (let n = 0; n < customers; n++) await runCustomer(client, customerPlan('check', n));
    } finally {
      client.close();
      await app.stop();
    }
    await synthesize(
      join(dir, 'synth.sqlite'),
      'check',
      (n) => customerPlan('check', n),
      (n) => n >= customers,
    );
    const [http, synth] = [
      shape(join(dir, 'http', 'events.sqlite')),
      shape(join(dir, 'synth.sqlite')),
    ];
    const store = new SqliteEventStore(join(dir, 'synth.sqlite'));
    const audit = await checkBooks(store).finally(() => store.close());
    return {
      customers,
      events: { http: http.events, synth: synth.events },
      streamDifferences: differences(http.streams, synth.streams),
      eventDifferences: differences(http.events_, synth.events_),
      auditProblems: audit.problems,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
