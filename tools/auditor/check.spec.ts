import { InMemoryEventStore } from '@billing/shared/event-store';
import { runScenario } from '@billing/shared/testing';
import { startTestApp } from '../../apps/standalone/src/testing/test-app';
import { checkBooks } from './check';

describe('auditor check (npm run audit)', () => {
  it('finds nothing wrong in a billed contract, and flags a number out of sequence', async () => {
    const app = await startTestApp();
    try {
      await runScenario(app.client);
      await app.settle();
    } finally {
      // The forged reservation below would be parked by the running app's reaction (and logged):
      // check the store alone.
      await app.close();
    }
    const store = app.infrastructure.eventStore;
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
          data: reserved(6, 'withdrawn'),
          metadata: reservation.metadata,
        },
        {
          id: '00000000-0000-4000-8000-0000000000b6',
          type: 'NumberVoided',
          data: {
            series: 'invoice',
            number: 'INV-2026-00006',
            documentId: 'withdrawn',
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
          data: reserved(8, 'forged'),
          metadata: reservation.metadata,
        },
        {
          id: '00000000-0000-4000-8000-0000000000b9',
          type: 'NumberVoided',
          data: {
            series: 'invoice',
            number: 'INV-2026-00009',
            documentId: 'nobody',
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
      'numbering-default.invoice.2026: INV-2026-00009 voided unused was never reserved for nobody',
      'numbering-default.invoice.2026: INV-2026-00008 has sequence 8 where 7 was due (a gap or a repeat)',
      expect.stringMatching(/INV-2026-00008 reserved for forged is on 0 document/),
    ]);

    // A copy of the history with one pay application's amount altered by a cent.
    const copy = new InMemoryEventStore();
    let altered = '';
    for (const event of await store.readAll()) {
      const tamper = !altered && event.type === 'PayApplicationDrafted';
      if (tamper) altered = `${event.streamId}@${event.revision}`;
      const data = tamper
        ? {
            ...(event.data as { amount: number }),
            amount: (event.data as { amount: number }).amount + 1,
          }
        : event.data;
      await copy.append(
        event.streamId,
        [{ id: event.id, type: event.type, data, metadata: event.metadata }],
        event.revision === 0 ? 'no_stream' : event.revision - 1,
      );
    }
    expect((await checkBooks(copy)).problems).toContainEqual(
      `${altered}: the pay application drafted differs from its recomputation`,
    );
  }, 30_000);
});
