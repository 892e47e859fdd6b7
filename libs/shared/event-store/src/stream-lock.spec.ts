import { InMemoryEventStore } from './in-memory.event-store';
import { withStreamLock } from './stream-lock';

describe('withStreamLock', () => {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

  it('runs the works of one stream one after the other, in the order they came, a failure included', async () => {
    const store = new InMemoryEventStore();
    const log: string[] = [];
    const step = (name: string, fail = false) =>
      withStreamLock(store, 'ledger-1', async () => {
        log.push(`${name} starts`);
        await tick();
        log.push(`${name} ends`);
        if (fail) throw new Error(`${name} failed`);
        return name;
      });
    const results = await Promise.allSettled([step('a'), step('b', true), step('c')]);
    expect(log).toEqual(['a starts', 'a ends', 'b starts', 'b ends', 'c starts', 'c ends']);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('lets other streams and other stores go on meanwhile', async () => {
    const [store, other] = [new InMemoryEventStore(), new InMemoryEventStore()];
    const log: string[] = [];
    let release = () => {};
    const held = withStreamLock(store, 'ledger-1', async () => {
      await new Promise<void>((resolve) => (release = resolve));
      log.push('held');
    });
    await withStreamLock(store, 'ledger-2', async () => void log.push('other stream'));
    await withStreamLock(other, 'ledger-1', async () => void log.push('other store'));
    release();
    await held;
    expect(log).toEqual(['other stream', 'other store', 'held']);
  });
});
