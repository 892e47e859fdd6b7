import { AppendSignal } from './signal';

describe('AppendSignal', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('wakes a waiter on the next commit and leaves no timer behind', async () => {
    const signal = new AppendSignal(500);
    const woken = signal.wait(signal.count);
    expect(jest.getTimerCount()).toBe(1);
    signal.notify();
    await woken;
    expect(jest.getTimerCount()).toBe(0);
  });

  it('wakes a waiter after its poll interval when nothing commits (another process may have)', async () => {
    const signal = new AppendSignal(500);
    let woken = false;
    void signal.wait(signal.count).then(() => (woken = true));
    await jest.advanceTimersByTimeAsync(499);
    expect(woken).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(woken).toBe(true);
  });
});
