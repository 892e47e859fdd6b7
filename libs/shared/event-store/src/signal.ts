/** Wakes catch-up subscriptions when an append commits; with `pollMs`, also after that long. */
export class AppendSignal {
  private waiters = new Set<() => void>();

  constructor(private readonly pollMs?: number) {}

  notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    waiters.forEach((resolve) => resolve());
  }

  wait(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      if (this.pollMs) setTimeout(done, this.pollMs).unref();
    });
  }
}
