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
