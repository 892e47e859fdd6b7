import type { ReadModelStore } from '@billing/shared/read-models';

const LEASES = 'bus_leases';

/**
 * A lease in the read-model store (ADR 7's partitions of the store bus, a Kafka relay's topic):
 * claimed by a compare-and-set on the lease document's position (of two instances claiming at
 * once, one applies), renewed by its owner, free for another once it expired or was released.
 */
export class Lease {
  private until = 0;

  constructor(
    private readonly readModels: ReadModelStore,
    private readonly id: string,
    private readonly owner: string,
    readonly ms: number,
    /** Written with it, for whoever reads the store (the group and partition it leases). */
    private readonly about: Record<string, unknown> = {},
  ) {}

  /** Claims or renews it as of `now`: held until `now` + its duration, if no other holds it. */
  async claim(now = Date.now()): Promise<boolean> {
    const lease = await this.readModels.get<{ owner: string; expiresAt: number }>(LEASES, this.id);
    if (lease && lease.owner !== this.owner && lease.expiresAt > now) return false;
    const claimed = await this.readModels.apply(
      LEASES,
      this.id,
      (lease?._position ?? 0) + 1,
      () => ({ ...this.about, owner: this.owner, expiresAt: now + this.ms }),
    );
    this.until = claimed ? now + this.ms : 0;
    return claimed;
  }

  /** Held, by this instance's clock (a margin short of the expiry the others see). */
  held(): boolean {
    return this.until - this.ms / 10 > Date.now();
  }

  async release(): Promise<void> {
    this.until = 0;
    const lease = await this.readModels.get<{ owner: string }>(LEASES, this.id);
    if (lease?.owner === this.owner)
      await this.readModels.apply(LEASES, this.id, lease._position + 1, () => ({
        ...this.about,
        owner: '',
        expiresAt: 0,
      }));
  }
}
