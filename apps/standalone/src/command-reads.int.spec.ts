import {
  InMemoryEventStore,
  type ReadStreamOptions,
  type RecordedEvent,
} from '@billing/shared/event-store';
import { expectOk, smallContract, waitFor } from '@billing/shared/testing';
import { startTestApp } from './testing/test-app';

/** An event store counting the events its stream reads return, by stream. */
class CountingEventStore extends InMemoryEventStore {
  readonly read = new Map<string, number>();
  override async readStream(
    streamId: string,
    options?: ReadStreamOptions,
  ): Promise<RecordedEvent[]> {
    const events = await super.readStream(streamId, options);
    this.read.set(streamId, (this.read.get(streamId) ?? 0) + events.length);
    return events;
  }
}

/**
 * Issue 5 item 6: command handling does not re-read ever-growing streams on every command. A
 * contract's billing ledger grows with every pay application; issuing one reads the ledger as a
 * command does (the state kept after the last command, or a snapshot, and what came after it).
 */
describe('what commands read of their streams', () => {
  it("issues five years of monthly pay applications, each reading the ledger's newest events, not its whole stream", async () => {
    const store = new CountingEventStore();
    const test = await startTestApp({ eventStore: store });
    const ledgerReads = () =>
      [...store.read]
        .filter(([streamId]) => streamId.startsWith('billing-'))
        .reduce((sum, [, n]) => sum + n, 0);
    const issues: { ledgerEventsRead: number; ledgerLength: number }[] = [];
    try {
      const client = test.client;
      const { contractId } = await expectOk<any>(
        client.post('/contracts', smallContract()),
        'create',
      );
      await expectOk(
        client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
        'activate',
      );
      await waitFor(client, `/contracts/${contractId}/billing`, () => true, 'billing ledger');
      for (let month = 1; month <= PERIODS; month++) {
        const periodEnd = new Date(Date.UTC(2026, month, 0)).toISOString().slice(0, 10);
        await expectOk(
          client.post(`/contracts/${contractId}/progress-reports`, {
            periodEnd,
            lines: [{ lineId: 'A', percentComplete: month * 150, storedMaterials: 0 }],
          }),
          'report',
        );
        await expectOk(
          client.post(`/contracts/${contractId}/progress-reports/${periodEnd}/certify`, {
            date: periodEnd,
          }),
          'certify',
        );
        const invoices = await waitFor<any[]>(
          client,
          `/invoices?contractId=${contractId}`,
          (list) => list.some((invoice) => invoice.periodEnd === periodEnd),
          'the draft',
        );
        await test.settle();
        const before = ledgerReads();
        await expectOk(
          client.post(
            `/invoices/${invoices.find((invoice) => invoice.periodEnd === periodEnd).invoiceId}/issue`,
            { date: periodEnd },
          ),
          'issue',
        );
        // The issue, and the reaction that finishes an issue from its reserved number (a no-op
        // here) with it.
        await test.settle();
        issues.push({
          ledgerEventsRead: ledgerReads() - before,
          ledgerLength: (await store.readStream(`billing-${contractId}`)).length,
        });
      }
    } finally {
      await test.close();
    }
    expect(issues.at(-1)!.ledgerLength).toBeGreaterThan(230);
    // A snapshot's worth of events (50) at most for each read, however long the ledger: the issue
    // and the reaction that finishes issues from reserved numbers race on the stream and each reads
    // it again (100 here); this allows two more such reads; an issue that reads the whole ledger
    // once (over 230 events by the end) goes past it.
    expect(issues.filter((issue) => issue.ledgerEventsRead > 200)).toEqual([]);
  }, 120_000);
});

const PERIODS = 60;
