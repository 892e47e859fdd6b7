import { createHash } from 'node:crypto';
import { canonicalize } from 'json-canonicalize';
import type { NewEvent, RecordedEvent } from './types';

/**
 * The "previous hash" of a stream's first hashed event (ADR 19): 64 zeros, the width of a SHA-256
 * in hex.
 */
export const GENESIS = '0'.repeat(64);

/**
 * What a chained hash covers: the event as an auditor reads it, without its position (each store
 * numbers `$all` its own way) or the hash itself.
 */
export type ChainedFields = Pick<
  RecordedEvent,
  'streamId' | 'revision' | 'id' | 'type' | 'data' | 'metadata' | 'recordedAt'
>;

/** RFC 8785 (JSON Canonicalization Scheme) of the fields an auditor must be able to trust. */
export function canonicalEvent({
  streamId,
  revision,
  id,
  type,
  data,
  metadata,
  recordedAt,
}: ChainedFields): string {
  return canonicalize({ streamId, revision, id, type, data, metadata, recordedAt });
}

/**
 * SHA-256 (hex) of the previous event's hash (GENESIS for the first) followed by the canonical
 * event, both as UTF-8.
 */
export function chainHash(previousHash: string, event: ChainedFields): string {
  return createHash('sha256').update(previousHash).update(canonicalEvent(event)).digest('hex');
}

/**
 * The hashes of events about to be appended at `fromRevision` on, each over the one before: the
 * first over `previousHash`, the hash of the stream's last stored event (GENESIS when the stream is
 * new or its last event predates hashing).
 */
export function chainHashes(
  streamId: string,
  fromRevision: number,
  previousHash: string | undefined,
  events: readonly NewEvent[],
  recordedAt: string,
): string[] {
  let previous = previousHash ?? GENESIS;
  return events.map(
    (event, index) =>
      (previous = chainHash(previous, {
        ...event,
        streamId,
        revision: fromRevision + index,
        recordedAt,
      })),
  );
}
