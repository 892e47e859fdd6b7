import { StoreBackedBus } from '@billing/shared/bus';
import { InMemoryEventStore } from '@billing/shared/event-store';
import { InMemoryReadModels } from '@billing/shared/read-models';
import { Background } from './background';

describe('Background, on shutdown', () => {
  it('stops within its deadline when a task never finishes stopping (a last commit to a server gone), and closes the adapters anyway', async () => {
    const store = new InMemoryEventStore();
    const readModels = new InMemoryReadModels();
    const background = new Background(store, new StoreBackedBus(store, readModels), readModels, {
      timeZone: 'UTC',
      closeAdaptersOnShutdown: true,
    });
    background.stopDeadlineMs = 200;
    background.consumer({ caughtUp: async () => true, stop: () => new Promise(() => undefined) });
    const closed = jest.spyOn(store, 'close');
    const started = Date.now();
    await expect(background.onApplicationShutdown()).rejects.toThrow(
      '1 background task(s) failed to stop cleanly',
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(closed).toHaveBeenCalled();
  });
});
