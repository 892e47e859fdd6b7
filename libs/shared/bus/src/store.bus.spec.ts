import { InMemoryEventStore } from '@billing/shared/event-store';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { busConformance } from '@billing/shared/testing';
import { StoreBackedBus } from './store.bus';

busConformance('store-backed, in memory', async () => {
  const store = new InMemoryEventStore();
  const readModels = new InMemoryReadModels();
  return {
    store,
    readModels,
    open: async () => new StoreBackedBus(store, readModels, { leaseMs: 300 }),
    kill: async (bus) => (bus as StoreBackedBus).kill(),
    close: async () => undefined,
  };
});
