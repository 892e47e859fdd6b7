import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@billing/shared/sqlite';
import {
  InMemoryEventStore,
  type EventStore,
  type RecordedEvent,
} from '@billing/shared/event-store';
import { runScenario } from '@billing/shared/testing';
import { startTestApp } from '../../apps/standalone/src/testing/test-app';
import { checkBooks } from './check';

// Documents no ledger holds (ids fit the schemas: the forgery is in what they say).
const WITHDRAWN = '00000000-0000-4000-8000-00000000d006';
const FORGED = '00000000-0000-4000-8000-00000000d008';
const NOBODY = '00000000-0000-4000-8000-00000000d009';

/** A copy of the store's history, each event's data as `tamper` gives it. */
async function copyOf(
  store: EventStore,
  tamper: (event: RecordedEvent) => unknown = (event) => event.data,
  copy: EventStore = new InMemoryEventStore(),
): Promise<EventStore> {
  for (const event of await store.readAll())
    await copy.append(
      event.streamId,
      [{ id: event.id, type: event.type, data: tamper(event), metadata: event.metadata }],
      event.revision === 0 ? 'no_stream' : event.revision - 1,
    );
  return copy;
}

describe('auditor check (npm run audit)', () => {
  let billed: EventStore;

  beforeAll(async () => {
    const app = await startTestApp();
    try {
      await runScenario(app.client);
      await app.settle();
    } finally {
      // The forged events below would be parked by the running app's reactions (and logged):
      // check the store alone.
      await app.close();
    }
    billed = app.infrastructure.eventStore;
  }, 30_000);

  it('finds nothing wrong in a billed contract, and flags a number out of sequence', async () => {
    const store = await copyOf(billed);
    const clean = await checkBooks(store);
    expect(clean).toMatchObject({
      series: 1,
      numbersChecked: 5,
      applicationsRecomputed: 4,
      problems: [],
    });

    const [reservation] = await store.readStream('numbering-default.invoice.2026', {
      direction: 'backwards',
      maxCount: 1,
    });
    const reserved = (sequence: number, documentId: string) => ({
      ...(reservation.data as object),
      sequence,
      number: `INV-2026-0000${sequence}`,
      documentId,
    });
    const { contractId } = reservation.data as { contractId: string };
    // A number its document could not take, voided unused (numbering.recovery.ts): no gap.
    await store.append(
      reservation.streamId,
      [
        {
          id: '00000000-0000-4000-8000-0000000000a6',
          type: 'NumberReserved',
          data: reserved(6, WITHDRAWN),
          metadata: reservation.metadata,
        },
        {
          id: '00000000-0000-4000-8000-0000000000b6',
          type: 'NumberVoided',
          data: {
            series: 'invoice',
            number: 'INV-2026-00006',
            documentId: WITHDRAWN,
            contractId,
            reason: 'invoice is withdrawn; only a draft can be issued',
          },
          metadata: reservation.metadata,
        },
      ],
      reservation.revision,
    );
    expect(await checkBooks(store)).toMatchObject({ numbersChecked: 6, problems: [] });
    await store.append(
      reservation.streamId,
      [
        {
          id: '00000000-0000-4000-8000-0000000000aa',
          type: 'NumberReserved',
          data: reserved(8, FORGED),
          metadata: reservation.metadata,
        },
        {
          id: '00000000-0000-4000-8000-0000000000b9',
          type: 'NumberVoided',
          data: {
            series: 'invoice',
            number: 'INV-2026-00009',
            documentId: NOBODY,
            contractId,
            reason: 'never reserved',
          },
          metadata: reservation.metadata,
        },
      ],
      reservation.revision + 2,
    );
    const flagged = await checkBooks(store);
    expect(flagged.problems).toEqual([
      `numbering-default.invoice.2026: INV-2026-00009 voided unused was never reserved for ${NOBODY}`,
      'numbering-default.invoice.2026: INV-2026-00008 has sequence 8 where 7 was due (a gap or a repeat)',
      expect.stringMatching(`INV-2026-00008 reserved for ${FORGED} is on 0 document`),
    ]);

    // A copy of the history with one pay application's amount altered by a cent.
    let altered = '';
    const copy = await copyOf(store, (event) => {
      if (altered || event.type !== 'PayApplicationDrafted') return event.data;
      altered = `${event.streamId}@${event.revision}`;
      const data = event.data as { amount: number };
      return { ...data, amount: data.amount + 1 };
    });
    expect((await checkBooks(copy)).problems).toContainEqual(
      `${altered}: the pay application drafted differs from its recomputation`,
    );
  });

  it("reads each event through its type's schema: one that does not fit is a problem named, not folded", async () => {
    let broken = '';
    const copy = await copyOf(billed, (event) => {
      if (broken || event.type !== 'InvoiceIssued') return event.data;
      broken = `${event.streamId}@${event.revision}`;
      const { number: _number, ...rest } = event.data as { number: string };
      return rest;
    });
    const report = await checkBooks(copy);
    expect(report.problems).toContainEqual(
      `InvoiceIssued at ${broken} does not fit its schema: number: is required; its ledger is not checked`,
    );
    // Its numbers are on documents the auditor cannot read: said so, not counted as missing.
    expect(report.problems).toContainEqual(
      expect.stringMatching(
        /INV-2026-00001 reserved for .* is not checked: the ledger of contract .* cannot be read$/,
      ),
    );
    expect(report.problems.filter((problem) => /is on 0 document/.test(problem))).toEqual([]);
  });

  it("names a hash chain a hand edit broke (a payment's amount changed in the file)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-audit-chains-'));
    const file = join(dir, 'events.sqlite');
    try {
      await (await copyOf(billed, undefined, new SqliteEventStore(file))).close();
      const db = new Database(file);
      const paid = db
        .prepare<[], { stream_id: string; revision: number }>(
          "SELECT stream_id, revision FROM events WHERE type = 'PaymentReceived' ORDER BY position LIMIT 1",
        )
        .get()!;
      db.prepare(
        "UPDATE events SET data = json_set(data, '$.amount', 1) WHERE stream_id = ? AND revision = ?",
      ).run(paid.stream_id, paid.revision);
      db.close();
      const store = new SqliteEventStore(file);
      const report = await checkBooks(store);
      await store.close();
      expect(report.problems).toContainEqual(
        expect.stringMatching(
          new RegExp(`^hash chain broken \\(hash\\) at ${paid.stream_id}@${paid.revision} `),
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
