/**
 * The expected versions of the server's write path (KurrentDB.Core/Data/ExpectedVersion.cs): an
 * exact revision is its 0-based event number.
 */
export const ANY = -2;
export const NO_STREAM = -1;
export const STREAM_EXISTS = -4;
export type Expected = number;

export type CommitDecision =
  { kind: 'ok' } | { kind: 'idempotent'; lastRevision: number } | { kind: 'conflict' };

/**
 * IndexWriter.CheckCommit (KurrentDB.Core/Services/Storage/ReaderIndex/IndexWriter.cs), without
 * deleted or soft-deleted streams, and its verdicts as StorageWriterService and RequestManagerBase
 * turn them into answers: CorruptedIdempotency (some of the ids written, some not) is a
 * WrongExpectedVersion, Idempotent is a success that writes nothing.
 *
 * - `any` / `stream_exists`: "weak" idempotency. The ids are looked up among recently committed
 *   events of this stream; all found: idempotent; none: write at the end; some: conflict.
 * - An exact revision or `no_stream` below the stream's last revision: "strong" idempotency. The ids
 *   must be the events stored right after the expected revision; the first differing: conflict.
 * - An exact revision past the end: conflict. At the end: write.
 */
export function checkCommit(
  stream: readonly { eventId: string }[],
  committedRevision: (eventId: string) => number | undefined,
  expected: Expected,
  eventIds: readonly string[],
): CommitDecision {
  const current = stream.length - 1;
  if (current < 0)
    return expected === ANY || expected === NO_STREAM ? { kind: 'ok' } : { kind: 'conflict' };
  if (expected === ANY || expected === STREAM_EXISTS) return weak(committedRevision, eventIds);
  if (expected < current) return strong(stream, expected, eventIds);
  return expected > current ? { kind: 'conflict' } : { kind: 'ok' };
}

function weak(
  committedRevision: (eventId: string) => number | undefined,
  eventIds: readonly string[],
): CommitDecision {
  const revisions = eventIds.map(committedRevision);
  if (revisions.length === 0 || revisions[0] === undefined) return { kind: 'ok' };
  const unwritten = revisions.indexOf(undefined);
  if (unwritten >= 0) return { kind: 'conflict' };
  return { kind: 'idempotent', lastRevision: revisions[revisions.length - 1]! };
}

function strong(
  stream: readonly { eventId: string }[],
  expected: Expected,
  eventIds: readonly string[],
): CommitDecision {
  // Writing nothing at an earlier revision is a failed consistency check, not an idempotent write.
  if (eventIds.length === 0) return { kind: 'conflict' };
  const again = eventIds.every(
    (eventId, index) => stream[expected + 1 + index]?.eventId === eventId,
  );
  return again
    ? { kind: 'idempotent', lastRevision: expected + eventIds.length }
    : { kind: 'conflict' };
}
