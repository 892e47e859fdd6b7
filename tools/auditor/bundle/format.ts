import { createHash } from 'node:crypto';
import type { RecordedEvent } from '@billing/shared/event-store';
import type { Series } from '../number-series';

/** A bundle is a folder of these files; the manifest lists the others' SHA-256. */
export const FILES = {
  events: 'events.jsonl',
  hashes: 'hashes.jsonl',
  numbers: 'number-series.json',
  manifest: 'manifest.json',
} as const;
export const FORMAT = 'billing-audit-bundle/1';

/**
 * events.jsonl, one per line: the event as stored, with the hash of the event before it in its
 * stream (GENESIS for the first, or after an unhashed one).
 */
export interface BundledEvent extends RecordedEvent {
  previousHash: string;
}

/**
 * hashes.jsonl, line for line beside events.jsonl: which event, its chain link, and the SHA-256 of
 * its events.jsonl line.
 */
export interface HashLine {
  streamId: string;
  revision: number;
  id: string;
  previousHash: string;
  /** Absent for an event appended before hashing began. */
  hash?: string;
  line: string;
}

export interface StreamHead {
  streamId: string;
  events: number;
  firstRevision: number;
  lastRevision: number;
  /** The last event's hash (absent when it has none). */
  head?: string;
  /**
   * Every event of the stream up to the export is in the bundle (otherwise only those about the
   * subject).
   */
  complete: boolean;
}

export interface Manifest {
  format: typeof FORMAT;
  kind: 'contract' | 'fiscal-year';
  subject: string;
  tenantId?: string;
  exportedAt: string;
  source: string;
  /** What the bundle holds and how it was chosen, in words. */
  selection: string;
  counts: { events: number; streams: number; unhashed: number; byType: Record<string, number> };
  streams: StreamHead[];
  numberSeries: { streamId: string; numbers: number; complete: boolean }[];
  files: Record<string, string>;
}

export interface NumberSeriesFile {
  series: (Series & { complete: boolean })[];
}

export const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** Stream heads as the events give them. */
export function headsOf(
  events: readonly BundledEvent[],
  complete: (streamId: string) => boolean,
): StreamHead[] {
  const heads = new Map<string, StreamHead>();
  for (const event of events) {
    const before = heads.get(event.streamId);
    const head: StreamHead = {
      streamId: event.streamId,
      events: (before?.events ?? 0) + 1,
      firstRevision: before?.firstRevision ?? event.revision,
      lastRevision: event.revision,
      complete: complete(event.streamId),
    };
    if (event.hash !== undefined) head.head = event.hash;
    heads.set(event.streamId, head);
  }
  return [...heads.values()].sort((a, b) =>
    a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0,
  );
}

export function countsOf(events: readonly RecordedEvent[]): Manifest['counts'] {
  const byType: Record<string, number> = {};
  for (const event of events) byType[event.type] = (byType[event.type] ?? 0) + 1;
  const sorted = Object.fromEntries(Object.entries(byType).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    events: events.length,
    streams: new Set(events.map((event) => event.streamId)).size,
    unhashed: events.filter((event) => event.hash === undefined).length,
    byType: sorted,
  };
}
