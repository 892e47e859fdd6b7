import { createHash } from 'node:crypto';
import { chainHash, GENESIS } from './chain';
import type { EventStore, RecordedEvent } from './types';

/**
 * A link that does not hold: the event named, the hash it should carry over its predecessor's
 * stored hash, and the one it carries.
 */
export interface ChainBreak {
  streamId: string;
  revision: number;
  eventId: string;
  position: number;
  /**
   * `hash`: the stored hash differs; `unhashed`: no hash where the chain had begun; `gap`:
   * revisions missing before this one.
   */
  kind: 'hash' | 'unhashed' | 'gap';
  expected: string;
  found: string;
}

export interface ChainReport {
  /** Events walked (of the tenant, when one is given). */
  events: number;
  streams: number;
  /** Events whose hash holds over their predecessor's. */
  verified: number;
  /**
   * Events before their stream's first hashed event, appended before hashing began: not verified,
   * never counted as such (ADR 19).
   */
  unhashed: number;
  unhashedStreams: number;
  /** Every break found, in commit order, at most `maxBreaks`; `breakCount` counts them all. */
  breaks: ChainBreak[];
  breakCount: number;
  /**
   * SHA-256 over every chained stream's last revision and hash (the tenant's streams), sorted by
   * stream: equal digests, equal heads.
   */
  headsDigest: string;
  intact: boolean;
}

export interface VerifyOptions {
  /** One stream; all streams by default. */
  streamId?: string;
  /**
   * Only this tenant's events are checked and counted (each over its predecessor's stored hash,
   * whoever's).
   */
  tenantId?: string;
  maxBreaks?: number;
  /** After each page: events read so far, and (all streams) the position reached and the head. */
  onProgress?: (read: number, position: number, head: number) => void;
}

interface Link {
  revision: number;
  hash?: string;
  /** A hashed event came before in the stream. */
  chained: boolean;
  /** The stream was counted (it has events of the tenant). */
  counted: boolean;
}

const PAGE = 1000;

/**
 * Walks the hash chains (ADR 19) in commit order. Each event is checked over the hash its
 * predecessor stores, so one altered event is one break, not a cascade. In a stream, events before
 * the first hashed one are the unhashed prefix; an unhashed event after it is a break. Walking all
 * streams, an unhashed event after the store's first hashed event is a break too: every writer
 * hashes since then, so a missing hash there was removed or written around the adapter.
 */
export async function verifyChains(
  store: EventStore,
  options: VerifyOptions = {},
): Promise<ChainReport> {
  const walk = new ChainWalk(
    options.tenantId,
    options.maxBreaks ?? 100,
    options.streamId === undefined,
  );
  const head = options.streamId ? 0 : await store.headPosition();
  let read = 0;
  for await (const page of pages(store, options.streamId)) {
    page.forEach((event) => walk.visit(event));
    read += page.length;
    options.onProgress?.(read, page.at(-1)?.position ?? 0, head);
  }
  return walk.report();
}

class ChainWalk {
  private readonly links = new Map<string, Link>();
  private readonly figures: ChainReport = {
    events: 0,
    streams: 0,
    verified: 0,
    unhashed: 0,
    unhashedStreams: 0,
    breaks: [],
    breakCount: 0,
    headsDigest: '',
    intact: true,
  };
  private hashingBegan = false;

  constructor(
    private readonly tenantId: string | undefined,
    private readonly maxBreaks: number,
    /** All streams are walked, so "hashing began" is the store's first hashed event. */
    private readonly wholeStore: boolean,
  ) {}

  visit(event: RecordedEvent): void {
    const before = this.links.get(event.streamId);
    // An event whose metadata no longer names a tenant (edited by hand) in a stream of this tenant
    // is this tenant's to check: skipped, its tampering would go unseen.
    const tenant: unknown = event.metadata?.tenantId;
    const mine =
      this.tenantId === undefined ||
      tenant === this.tenantId ||
      (typeof tenant !== 'string' && Boolean(before?.counted));
    this.links.set(event.streamId, {
      revision: event.revision,
      hash: event.hash,
      chained: Boolean(before?.chained || event.hash),
      counted: Boolean(before?.counted || mine),
    });
    const hashingBegan = this.hashingBegan;
    if (event.hash !== undefined) this.hashingBegan = true;
    if (!mine) return;
    this.figures.events++;
    if (!before?.counted) this.figures.streams++;
    const expectedRevision = before ? before.revision + 1 : 0;
    const expected = () => chainHash(before?.hash ?? GENESIS, event);
    if (event.revision !== expectedRevision)
      this.broken(event, 'gap', `revision ${expectedRevision}`, `revision ${event.revision}`);
    else if (event.hash === undefined && (before?.chained || (this.wholeStore && hashingBegan)))
      this.broken(event, 'unhashed', expected(), 'none');
    else if (event.hash === undefined) {
      this.figures.unhashed++;
      if (!before) this.figures.unhashedStreams++;
    } else if (event.hash !== expected()) this.broken(event, 'hash', expected(), event.hash);
    else this.figures.verified++;
  }

  report(): ChainReport {
    return {
      ...this.figures,
      headsDigest: headsDigest(this.links),
      intact: this.figures.breakCount === 0,
    };
  }

  private broken(
    event: RecordedEvent,
    kind: ChainBreak['kind'],
    expected: string,
    found: string,
  ): void {
    this.figures.breakCount++;
    if (this.figures.breaks.length < this.maxBreaks)
      this.figures.breaks.push({
        streamId: event.streamId,
        revision: event.revision,
        eventId: event.id,
        position: event.position,
        kind,
        expected,
        found,
      });
  }
}

async function* pages(
  store: EventStore,
  streamId: string | undefined,
): AsyncGenerator<RecordedEvent[]> {
  for (let from = 0; ;) {
    const page = streamId
      ? await store.readStream(streamId, { fromRevision: from, maxCount: PAGE })
      : await store.readAll({ fromPosition: from, maxCount: PAGE });
    if (page.length > 0) yield page;
    if (page.length < PAGE) return;
    from = streamId ? page[page.length - 1].revision + 1 : page[page.length - 1].position;
  }
}

function headsDigest(links: Map<string, Link>): string {
  const heads = [...links]
    .filter(([, link]) => link.counted && link.hash !== undefined)
    .map(([streamId, link]) => `${streamId} ${link.revision} ${link.hash}\n`)
    .sort();
  const digest = createHash('sha256');
  heads.forEach((line) => digest.update(line));
  return digest.digest('hex');
}
