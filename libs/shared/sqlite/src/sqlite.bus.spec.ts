import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreBackedBus } from '@billing/shared/bus';
import { busConformance } from '@billing/shared/testing';
import { SqliteEventStore } from './sqlite.event-store';
import { SqliteReadModels } from './sqlite.read-models';

const dir = mkdtempSync(join(tmpdir(), 'billing-sqlite-bus-'));
let n = 0;

// The embedded mode's bus on the stores it really runs on; each instance (a process) opens its own
// connections to the files.
busConformance('store-backed, on SQLite', async () => {
  const [events, readModelsFile] = [
    join(dir, `events-${n}.db`),
    join(dir, `read-models-${n++}.db`),
  ];
  const connections: { close(): Promise<void> }[] = [];
  const connect = <T extends { close(): Promise<void> }>(connection: T) => (
    connections.push(connection),
    connection
  );
  const store = connect(new SqliteEventStore(events));
  const readModels = connect(new SqliteReadModels(readModelsFile));
  return {
    store,
    readModels,
    open: async () =>
      new StoreBackedBus(
        connect(new SqliteEventStore(events)),
        connect(new SqliteReadModels(readModelsFile)),
        { leaseMs: 300 },
      ),
    kill: async (bus) => (bus as StoreBackedBus).kill(),
    close: async () =>
      void (await Promise.all(connections.map((connection) => connection.close()))),
  };
});

describe('the store-backed bus on SQLite', () => {
  it('looks its group members up through an index, as every query on the read models', async () => {
    const readModels = new SqliteReadModels(join(dir, 'members.db'));
    const store = new SqliteEventStore(join(dir, 'members-events.db'));
    const bus = new StoreBackedBus(store, readModels, { leaseMs: 300 });
    try {
      await bus.relay({
        topic: 'billing.contracts',
        streamPrefixes: ['contract-'],
        toMessages: () => [],
      });
      await bus.subscribe('invoicing', ['billing.contracts'], async () => undefined);
      for (let n = 0; n < 100 && (await readModels.count('bus_members')) === 0; n++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      // The rebalance's query, as it reads the group's live members.
      const plan = await readModels.explain(
        'bus_members',
        { group: 'invoicing', expiresAt: { $gt: Date.now() } },
        { sort: { instance: 1 } },
      );
      expect(plan.filter((step) => /\bSCAN rm_/.test(step))).toEqual([]);
    } finally {
      await bus.close();
      await Promise.all([store.close(), readModels.close()]);
    }
  });
});
