import { Logger } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  StoreBackedBus,
  type Bus,
  type MessageHandler,
  type RelaySource,
} from '@billing/shared/bus';
import {
  InMemoryEventStore,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
} from '@billing/shared/event-store';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { SqliteEventStore, SqliteReadModels } from '@billing/shared/sqlite';
import { CUSTOMER, expectOk, runScenario, smallContract, waitFor } from '@billing/shared/testing';
import { startTestApp } from './testing/test-app';

/** Every integration event delivered twice, as an at-least-once bus may. */
class DuplicatingBus implements Bus {
  constructor(private readonly bus: Bus) {}
  relay(source: RelaySource) {
    return this.bus.relay(source);
  }
  subscribe(group: string, topics: readonly string[], handler: MessageHandler) {
    return this.bus.subscribe(group, topics, async (message) => {
      await handler(message);
      await handler(message);
    });
  }
  health() {
    return this.bus.health();
  }
  close() {
    return this.bus.close();
  }
}

/** Two runs differ only by the ids they generate. */
function withoutIds(value: unknown): unknown {
  const uuids = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const ids = new Map<string, string>();
  return JSON.parse(
    JSON.stringify(value).replace(
      uuids,
      (id) => ids.get(id) ?? (ids.set(id, `id${ids.size}`), `id${ids.size - 1}`),
    ),
  );
}

async function eventTypeCounts(store: EventStore): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const event of await store.readAll())
    if (!event.streamId.startsWith('idempotency-'))
      counts[event.type] = (counts[event.type] ?? 0) + 1;
  return counts;
}

describe('at-least-once delivery and crashes', () => {
  it('delivering every integration event twice gives the same final state', async () => {
    const once = await startTestApp();
    const [store, readModels] = [new InMemoryEventStore(), new InMemoryReadModels()];
    const twice = await startTestApp({
      eventStore: store,
      readModels,
      bus: new DuplicatingBus(new StoreBackedBus(store, readModels)),
    });
    try {
      const [a, b] = [await runScenario(once.client), await runScenario(twice.client)];
      await Promise.all([once.settle(), twice.settle()]);
      expect(b.applications.map((x) => [x.number, x.g702])).toEqual(
        a.applications.map((x) => [x.number, x.g702]),
      );
      expect(withoutIds(b.aging)).toEqual(withoutIds(a.aging));
      expect(withoutIds((await twice.client.get(`/contracts/${b.contractId}`)).body)).toEqual(
        withoutIds((await once.client.get(`/contracts/${a.contractId}`)).body),
      );
      expect(await eventTypeCounts(twice.infrastructure.eventStore)).toEqual(
        await eventTypeCounts(once.infrastructure.eventStore),
      );
    } finally {
      await Promise.all([once.close(), twice.close()]);
    }
  }, 60_000);

  it('a crash between reserving an invoice number and issuing neither loses the number nor gives it twice', async () => {
    const store = new InMemoryEventStore();
    // The first process dies at the issue: no InvoiceIssued of its ever reaches the store.
    const dying: EventStore = Object.create(store) as EventStore;
    dying.append = (
      stream: string,
      events: readonly NewEvent[],
      expected: ExpectedRevision,
    ): Promise<AppendResult> =>
      events.some((event) => event.type === 'InvoiceIssued')
        ? Promise.reject(new Error('process killed'))
        : store.append(stream, events, expected);
    // The read models, with every consumer's position and parked events, survive the crash as they
    // would on disk.
    const readModels = new InMemoryReadModels();
    const logged = [
      jest.spyOn(console, 'error').mockImplementation(() => undefined),
      jest.spyOn(console, 'warn').mockImplementation(() => undefined),
      jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined),
    ];
    const first = await startTestApp({ eventStore: dying, readModels });
    const { contractId, invoiceId } = await draftOnePayApplication(first);
    expect(
      (await first.client.post(`/invoices/${invoiceId}/issue`, { date: '2026-02-03' })).status,
    ).toBe(500);
    await first.close();
    expect(
      (await store.readAll({ streamPrefixes: ['numbering-'] })).map(
        (e) => (e.data as { number: string }).number,
      ),
    ).toEqual(['INV-2026-00001']);
    expect(
      (await store.readAll({ streamPrefixes: ['billing-'] })).map((e) => e.type),
    ).not.toContain('InvoiceIssued');

    const restarted = await startTestApp({ eventStore: store, readModels });
    try {
      const issued = await waitFor<any>(
        restarted.client,
        `/invoices/${invoiceId}`,
        (invoice) => invoice.status === 'issued',
        'the reserved number to be used',
      );
      expect(issued.number).toBe('INV-2026-00001');
      expect(console.warn).toHaveBeenCalledWith(
        expect.stringMatching(/finish-reserved-issues handled NumberReserved .* it had parked/),
      );
      logged.forEach((spy) => spy.mockRestore());
      // Retrying the issue answers the same number and reserves nothing new.
      expect(
        (await restarted.client.post(`/invoices/${invoiceId}/issue`, { date: '2026-02-03' })).body
          .number,
      ).toBe('INV-2026-00001');
      await restarted.settle();
      expect(await store.readAll({ streamPrefixes: ['numbering-'] })).toHaveLength(1);
      const second = await draftOnePayApplication(restarted, contractId, '2026-02-28', 8000);
      expect(
        (await restarted.client.post(`/invoices/${second.invoiceId}/issue`, { date: '2026-03-03' }))
          .body.number,
      ).toBe('INV-2026-00002');
    } finally {
      await restarted.close();
    }
  }, 30_000);

  it('keeps the embedded SQLite data across a restart, and resumes every reader from its committed position', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-restart-'));
    const [file, readModelsFile] = [join(dir, 'events.sqlite'), join(dir, 'read-models.sqlite')];
    const first = await startTestApp({
      eventStore: new SqliteEventStore(file),
      readModels: new SqliteReadModels(readModelsFile),
    });
    const { contractId, invoiceId } = await draftOnePayApplication(first);
    await expectOk(
      first.client.post(`/invoices/${invoiceId}/issue`, { date: '2026-02-03' }),
      'issue',
    );
    await first.settle();
    await first.close();
    await Promise.all([
      first.infrastructure.eventStore.close(),
      first.infrastructure.readModels.close(),
    ]);

    // Boot time does not grow with history: every projection and consumer starts where it stopped,
    // at the head.
    const reopened = new SqliteEventStore(file);
    const head = await reopened.headPosition();
    const starts: number[] = [];
    const subscribe = reopened.subscribeToAll.bind(reopened);
    reopened.subscribeToAll = (options, handler, onError) => (
      starts.push(options.fromPosition),
      subscribe(options, handler, onError)
    );
    const second = await startTestApp({
      eventStore: reopened,
      readModels: new SqliteReadModels(readModelsFile),
    });
    try {
      await second.settle();
      expect(starts.length).toBeGreaterThanOrEqual(9);
      expect(Math.min(...starts)).toBeGreaterThan(head - 10);
      expect((await second.client.get(`/invoices/${invoiceId}`)).body).toMatchObject({
        status: 'issued',
        number: 'INV-2026-00001',
        amount: 450_000,
      });
      expect((await second.client.get(`/contracts/${contractId}`)).body).toMatchObject({
        status: 'active',
        billedNet: 450_000,
        retainageHeld: 50_000,
      });
      expect((await second.client.get(`/accounts/${CUSTOMER.id}`)).body.openItems).toHaveLength(1);
    } finally {
      await second.close();
      await Promise.all([
        second.infrastructure.eventStore.close(),
        second.infrastructure.readModels.close(),
      ]);
    }
  }, 30_000);
});

async function draftOnePayApplication(
  app: Awaited<ReturnType<typeof startTestApp>>,
  existing?: string,
  periodEnd = '2026-01-31',
  percent = 5000,
) {
  let contractId = existing;
  if (!contractId) {
    const body = smallContract();
    contractId = (await expectOk(app.client.post('/contracts', body), 'create'))
      .contractId as string;
    await expectOk(
      app.client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
      'activate',
    );
    await waitFor(app.client, `/contracts/${contractId}/schedule`, () => true, 'schedule');
  }
  await expectOk(
    app.client.post(`/contracts/${contractId}/progress-reports`, {
      periodEnd,
      lines: [{ lineId: 'A', percentComplete: percent, storedMaterials: 0 }],
    }),
    'report',
  );
  await expectOk(
    app.client.post(`/contracts/${contractId}/progress-reports/${periodEnd}/certify`, {}),
    'certify',
  );
  const drafts = await waitFor<any[]>(
    app.client,
    `/invoices?contractId=${contractId}&status=draft`,
    (list) => list.length === 1,
    'draft',
  );
  return { contractId, invoiceId: drafts[0].invoiceId as string };
}
