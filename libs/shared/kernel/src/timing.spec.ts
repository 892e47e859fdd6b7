import { pause } from './timing';

describe('pause', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('ends when stopping settles first, and leaves no timer behind (a stopping process would wait it out)', async () => {
    let stop = () => {};
    const stopping = new Promise<void>((resolve) => (stop = resolve));
    const paused = pause(1_000, stopping);
    stop();
    await paused;
    expect(jest.getTimerCount()).toBe(0);
  });

  it('ends after its time otherwise', async () => {
    let ended = false;
    void pause(1_000, new Promise(() => undefined)).then(() => (ended = true));
    await jest.advanceTimersByTimeAsync(999);
    expect(ended).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(ended).toBe(true);
  });
});
