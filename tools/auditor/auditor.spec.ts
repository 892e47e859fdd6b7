import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createHash, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { startEsdbEmulator } from '@billing/infra/esdb-emulator';
import { EsdbEventStore } from '@billing/shared/esdb';
import { SqliteEventStore, SqliteReadModels } from '@billing/shared/sqlite';
import {
  CUSTOMER,
  expectOk,
  oneByteChanged,
  runScenario,
  smallContract,
  waitFor,
  type Client,
} from '@billing/shared/testing';
import { startTestApp } from '../../apps/standalone/src/testing/test-app';
import { auditor } from './main';

/** A command's exit code and what it printed. */
async function run(...argv: string[]): Promise<{ code: number; out: string; lines: string[] }> {
  const lines: string[] = [];
  const code = await auditor(argv, {
    out: (line) => void lines.push(line),
    err: (line) => void lines.push(line),
  });
  return { code, out: lines.join('\n'), lines };
}

/**
 * An invoice issued and voided on a second contract, and a credit note on the scenario's first
 * invoice: every status a number can have.
 */
async function voidAndCredit(client: Client, creditedInvoiceId: string): Promise<void> {
  const { contractId } = await expectOk<any>(
    client.post('/contracts', smallContract({ title: 'Voided job' })),
    'create',
  );
  await expectOk(
    client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
    'activate',
  );
  await waitFor(client, `/contracts/${contractId}/billing`, () => true, 'ledger');
  await expectOk(
    client.post(`/contracts/${contractId}/progress-reports`, {
      periodEnd: '2026-01-31',
      lines: [{ lineId: 'A', percentComplete: 5000, storedMaterials: 0 }],
    }),
    'report',
  );
  await expectOk(
    client.post(`/contracts/${contractId}/progress-reports/2026-01-31/certify`, {}),
    'certify',
  );
  const [draft] = await waitFor<any[]>(
    client,
    `/invoices?contractId=${contractId}&status=draft`,
    (list) => list.length === 1,
    'draft',
  );
  await expectOk(
    client.post(`/invoices/${draft.invoiceId}/issue`, { date: '2026-02-02' }),
    'issue',
  );
  await expectOk(
    client.post(`/invoices/${draft.invoiceId}/void`, {
      date: '2026-02-03',
      reason: 'Billed to the wrong owner entity',
    }),
    'void',
  );
  await expectOk(
    client.post(`/invoices/${creditedInvoiceId}/credit-notes`, {
      date: '2026-08-01',
      amount: 10_000,
      reason: 'Pricing error on item 2',
    }),
    'credit note',
  );
}

describe('npm run auditor -- … --esdb URL (through the EventStoreDB adapter)', () => {
  it('shows a stream and names the event a writer appended around the adapter with a forged hash', async () => {
    const emulator = await startEsdbEmulator({ port: 0 });
    try {
      const store = new EsdbEventStore(emulator.url);
      const metadata = {
        tenantId: 'default',
        correlationId: 'c-1',
        causationId: 'x',
        actor: 'clerk',
        occurredAt: '2026-03-01T00:00:00.000Z',
        schemaVersion: 1,
        command: 'Test',
      };
      await store.append(
        'contract-esdb',
        [1, 2].map((n) => ({ id: randomUUID(), type: 'Happened', data: { n }, metadata })),
        'no_stream',
      );
      const [, last] = await store.readStream('contract-esdb');
      await store.close();
      const raw = EventStoreDBClient.connectionString(emulator.url);
      const forged = randomUUID();
      await raw.appendToStream(
        'contract-esdb',
        jsonEvent({
          id: forged,
          type: 'Happened',
          data: { n: 3 },
          metadata: { ...metadata, chain: { hash: last.hash!, recordedAt: last.recordedAt } },
        }),
      );
      await raw.dispose();
      expect(
        await run('history', '--esdb', emulator.url, '--stream', 'contract-esdb'),
      ).toMatchObject({
        code: 0,
        out: expect.stringMatching(/contract-esdb@2[\s\S]*3 event\(s\)/),
      });
      expect(await run('verify', '--esdb', emulator.url)).toMatchObject({
        code: 1,
        out: expect.stringContaining(`the first: contract-esdb revision 2, event ${forged}`),
      });
    } finally {
      await emulator.stop();
    }
  });
});

describe('npm run auditor on a store it must not change', () => {
  it('reads a store from before hashing without changing a byte of it, and does not call its chains whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-auditor-legacy-'));
    const file = join(dir, 'events.sqlite');
    // A store as the first releases wrote it: no hash column, not in WAL mode.
    const db = new Database(file);
    db.exec(`CREATE TABLE events (
      position INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
      event_id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL,
      recorded_at TEXT NOT NULL, UNIQUE (stream_id, revision))`);
    const metadata = {
      tenantId: 'default',
      correlationId: 'c',
      causationId: 'c',
      actor: 'ann',
      occurredAt: '2026-01-05T09:00:00.000Z',
      schemaVersion: 1,
    };
    db.prepare(
      'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, 0, ?, ?, ?, ?, ?)',
    ).run(
      `contract-${randomUUID()}`,
      randomUUID(),
      'ContractNoted',
      '{}',
      JSON.stringify(metadata),
      '2026-01-05T09:00:00.000Z',
    );
    db.close();
    const evidence = () => [
      readdirSync(dir),
      createHash('sha256').update(readFileSync(file)).digest('hex'),
    ];
    const before = evidence();
    const verify = await run('verify', '--data', dir);
    expect([verify.code, verify.lines.slice(-2)]).toEqual([
      2,
      [
        'no broken link among the events that carry a hash; the others are not verified',
        expect.stringMatching(/^NOT VERIFIED: 1 events carry no hash/),
      ],
    ]);
    expect((await run('history', '--data', dir, '--from', '2026-01-01')).code).toBe(0);
    expect(evidence()).toEqual(before);
  });
});

describe('npm run auditor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-auditor-'));
  let contractId: string;

  beforeAll(async () => {
    const app = await startTestApp({
      eventStore: new SqliteEventStore(join(dir, 'events.sqlite')),
      readModels: new SqliteReadModels(join(dir, 'read-models.sqlite')),
    });
    const result = await runScenario(app.client);
    contractId = result.contractId;
    await voidAndCredit(app.client, result.applications[0].invoiceId);
    await app.settle();
    await app.close();
    await app.infrastructure.eventStore.close();
    await app.infrastructure.readModels.close();
  }, 60_000);

  it('shows a pay application, a contract and an account as of a business date and as known at an instant (ADR 17)', async () => {
    const events = new SqliteEventStore(join(dir, 'events.sqlite'));
    const invoiceId = (await events.readStream(`billing-${contractId}`)).find(
      (event) => event.type === 'InvoiceIssued',
    )!.data as { invoiceId: string; issueDate: string };
    await events.close();
    const asOf = async (...args: string[]) => {
      const answer = await run('as-of', '--data', dir, '--contract', contractId, ...args);
      return { code: answer.code, body: answer.code === 0 ? JSON.parse(answer.out) : answer.out };
    };
    const now = await asOf('--invoice', invoiceId.invoiceId);
    expect(now).toMatchObject({
      code: 0,
      body: { invoice: { status: 'issued', issueDate: invoiceId.issueDate } },
    });
    const { periodEnd } = now.body.invoice;
    expect(periodEnd < invoiceId.issueDate).toBe(true);
    expect(await asOf('--invoice', invoiceId.invoiceId, '--date', periodEnd)).toMatchObject({
      code: 0,
      body: { date: periodEnd, invoice: { status: 'draft' } },
    });
    expect(
      await asOf('--invoice', invoiceId.invoiceId, '--at', '2020-01-01T00:00:00Z'),
    ).toMatchObject({ code: 1, body: expect.stringMatching(/did not exist/) });
    // Another tenant's question is answered for that tenant, and the answer says which one it was.
    expect(await asOf('--tenant', 'acme')).toMatchObject({
      code: 1,
      body: expect.stringMatching(/did not exist .* for tenant "acme"$/m),
    });
    expect(await asOf('--date', '2000-01-01')).toMatchObject({
      code: 1,
      body: expect.stringMatching(/tenant "default" \(the default: --tenant T/),
    });
    expect(await asOf('--date', '2000-01-01')).toMatchObject({ code: 1 });
    expect((await asOf()).body.contract).toMatchObject({ contractId });
    expect(
      await run('as-of', '--data', dir, '--contract', contractId, '--date', '2026-02-30'),
    ).toMatchObject({ code: 2 });
    const account = await run(
      'as-of',
      '--data',
      dir,
      '--account',
      CUSTOMER.id,
      '--date',
      invoiceId.issueDate,
    );
    expect(
      JSON.parse(account.out).account.items.map((item: { invoiceId: string }) => item.invoiceId),
    ).toContain(invoiceId.invoiceId);
    expect(
      await run('as-of', '--data', dir, '--account', CUSTOMER.id, '--date', '2000-01-01'),
    ).toMatchObject({ code: 1 });
  });

  it('shows a stream, a contract flow, a correlation and a time range with who, when and why, paged, and as JSON lines', async () => {
    const stream = await run(
      'history',
      '--data',
      dir,
      '--stream',
      `contract-${contractId}`,
      '--limit',
      '2',
    );
    expect(stream.code).toBe(0);
    expect(stream.lines[0]).toMatch(
      new RegExp(`^ {4}1 {2}\\S+Z {2}ContractCreated {2}contract-${contractId}@0$`),
    );
    expect(stream.lines[1]).toMatch(
      /who tester .*why CreateContract .*correlation \S+ .*decided \S+Z$/,
    );
    expect(stream.lines.at(-1)).toMatch(
      new RegExp(
        `stream contract-${contractId} in .*events.sqlite: \\d+ event\\(s\\), 1-2 shown; next page: --offset 2`,
      ),
    );

    const flow = await run('history', '--data', dir, '--contract', contractId, '--jsonl');
    const entries = flow.lines.slice(0, -1).map((line) => JSON.parse(line));
    expect(new Set(entries.map((entry) => entry.streamId.split('-')[0]))).toEqual(
      new Set(['contract', 'schedule', 'billing', 'account', 'numbering']),
    );
    expect(entries.map((entry) => entry.position)).toEqual(
      [...entries.map((entry) => entry.position)].sort((a, b) => a - b),
    );
    const reversal = entries.find((entry) => entry.type === 'PaymentReversed');
    expect(reversal).toMatchObject({
      actor: 'tester',
      command: expect.any(String),
      reason: 'returned by the bank: insufficient funds',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    const correlated = await run(
      'history',
      '--data',
      dir,
      '--correlation',
      reversal.correlationId,
      '--jsonl',
    );
    expect(correlated.lines.slice(0, -1).map((line) => JSON.parse(line).correlationId)).toEqual(
      expect.arrayContaining([reversal.correlationId]),
    );
    const range = await run(
      'history',
      '--data',
      dir,
      '--from',
      '2000-01-01',
      '--to',
      reversal.recordedAt,
      '--jsonl',
    );
    expect(
      range.lines.slice(0, -1).every((line) => JSON.parse(line).recordedAt < reversal.recordedAt),
    ).toBe(true);
    expect(await run('history', '--data', dir, '--stream', 'x', '--contract', 'y')).toMatchObject({
      code: 2,
      out: expect.stringMatching(/name one scope/),
    });
    expect(await run('history', '--data', join(dir, 'nowhere'), '--stream', 'x')).toMatchObject({
      code: 2,
      out: expect.stringMatching(/no event store at/),
    });
  });

  it('exports a fiscal year that verifies offline, with every number series gapless and each number with its document and status', async () => {
    const out = join(dir, 'fy-2026');
    const exported = await run('export', '--data', dir, '--year', '2026', '--out', out);
    expect(exported.code).toBe(0);
    const digest = /manifest SHA-256 ([0-9a-f]{64})/.exec(exported.out)![1];
    const verified = await run('verify-bundle', out, '--expect', digest);
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(/numbering-default\.invoice\.2026: 6 number\(s\), gapless/);
    expect(verified.out).toMatch(/numbering-default\.credit-note\.2026: 1 number\(s\), gapless/);
    expect(verified.out).toMatch(/INV-2026-00006 {2}void {8}invoice /);
    expect(verified.out).toMatch(/CN-2026-00001 {2}issued {6}credit note /);
    expect(verified.lines.at(-1)).toBe('the bundle is intact');
    expect((await run('verify-bundle', out, '--expect', '0'.repeat(64))).code).toBe(1);
    expect((await run('export', '--data', dir, '--year', '2026', '--out', out)).code).toBe(2);
  });

  it("exports a contract's history, and names the event whose byte was changed in the bundle", async () => {
    const out = join(dir, `contract-${contractId}`);
    const exported = await run('export', '--data', dir, '--contract', contractId, '--out', out);
    expect(exported.code).toBe(0);
    // A series that other documents share is in part: the label says so for a year's export too.
    expect(exported.out).toMatch(
      /numbering-default\.invoice\.2026: \d+ number\(s\) \(only the numbers of the documents exported\)/,
    );
    const verified = await run('verify-bundle', out);
    expect([verified.code, verified.out]).toEqual([
      0,
      expect.stringMatching(
        /numbering-default\.invoice\.2026: \d+ number\(s\), only the numbers of the documents exported/,
      ),
    ]);
    const file = join(out, 'events.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    const index = lines.findIndex((line) => line.includes('"type":"InvoiceIssued"'));
    const altered = JSON.parse(lines[index]);
    lines[index] = lines[index].replace(
      /"amount":(\d)/,
      (_, digit: string) => `"amount":${(Number(digit) + 1) % 10}`,
    );
    writeFileSync(file, lines.join('\n'));
    const report = await run('verify-bundle', out);
    expect(report.code).toBe(1);
    const named = `events.jsonl line ${index + 1}, ${altered.streamId}@${altered.revision} (event ${altered.id})`;
    expect(report.lines).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`${named}: its bytes changed`),
        expect.stringContaining(`${named}: its hash does not hold`),
      ]),
    );

    const again = join(dir, `contract-${contractId}-again`);
    expect(
      (await run('export', '--data', dir, '--contract', contractId, '--out', again)).code,
    ).toBe(0);
    const drop = (name: string, line: number) => {
      const kept = readFileSync(join(again, name), 'utf8').split('\n');
      writeFileSync(
        join(again, name),
        [...kept.slice(0, line), ...kept.slice(line + 1)].join('\n'),
      );
    };
    const second = readFileSync(join(again, 'events.jsonl'), 'utf8')
      .split('\n')
      .findIndex((line) => line.includes(`"revision":1,"streamId":"contract-${contractId}"`));
    ['events.jsonl', 'hashes.jsonl'].forEach((name) => drop(name, second));
    const removed = await run('verify-bundle', again);
    expect(removed.code).toBe(1);
    expect(removed.out).toMatch(
      new RegExp(`contract-${contractId}@2 \\(event \\S+\\): revisions missing before it`),
    );
  });

  it('verifies every chain of the store, and names the first broken link once one byte of an event is changed in the SQLite file', async () => {
    const clean = await run('verify', '--data', dir);
    expect(clean.code).toBe(0);
    expect(clean.lines.at(-1)).toBe('every chain holds');
    const db = new Database(join(dir, 'events.sqlite'));
    // Every hash removed: the store then looks like one written before hashing began, which does
    // not pass as verified unless the auditor says it predates hashing.
    const hashes = db.prepare('SELECT position, hash FROM events').all();
    db.exec('UPDATE events SET hash = NULL');
    const stripped = await run('verify', '--data', dir);
    expect([stripped.code, stripped.lines.at(-1)]).toEqual([
      2,
      expect.stringMatching(/^NOT VERIFIED: \d+ events carry no hash/),
    ]);
    expect(stripped.out).toMatch(/ verified: 0 events/);
    expect((await run('verify', '--data', dir, '--allow-unhashed')).code).toBe(0);
    const restore = db.prepare('UPDATE events SET hash = @hash WHERE position = @position');
    db.transaction(() => hashes.forEach((row) => restore.run(row)))();
    expect((await run('verify', '--data', dir)).code).toBe(0);
    const row = db
      .prepare<[], { stream_id: string; revision: number; event_id: string; data: string }>(
        "SELECT * FROM events WHERE type = 'PaymentReceived' LIMIT 1",
      )
      .get()!;
    db.prepare('UPDATE events SET data = ? WHERE stream_id = ? AND revision = ?').run(
      oneByteChanged(row.data),
      row.stream_id,
      row.revision,
    );
    db.close();
    const broken = await run('verify', '--data', dir);
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(
      new RegExp(
        `BROKEN: 1 link\\(s\\); the first: ${row.stream_id} revision ${row.revision}, event ${row.event_id} \\(position \\d+\\): the stored hash does not hold; expected [0-9a-f]{64}, found [0-9a-f]{64}`,
      ),
    );
    expect((await run('verify', '--data', dir, '--stream', `contract-${contractId}`)).code).toBe(0);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', './tools/register.js', 'tools/auditor/main.ts', 'verify', '--data', dir],
      {
        cwd: join(__dirname, '..', '..'),
      },
    ).catch((error: { code: number; stdout: string }) => ({
      ...error,
      stdout: `exit ${error.code}\n${error.stdout}`,
    }));
    expect(stdout).toMatch(/^exit 1\n[\s\S]*BROKEN: 1 link/);
  }, 90_000);
});
