import { WrongExpectedVersionError, type ExpectedRevision, type NewEvent } from './types';

export type AppendDecision =
  { kind: 'write'; fromRevision: number } | { kind: 'duplicate'; lastRevision: number };

/**
 * EventStoreDB's rules for an append, given the stream's last revision (-1 when it has none) and
 * a way to read the ids stored from a revision on: a mismatch is WrongExpectedVersion, except that
 * re-appending the very same event ids at the place the writer expected (exact revision or
 * no_stream) is an idempotent success.
 */
export function checkAppend(
  streamId: string,
  current: number,
  idsFrom: (revision: number, count: number) => readonly string[],
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): AppendDecision {
  const startsAt =
    expected === 'no_stream' ? 0 : typeof expected === 'number' ? expected + 1 : undefined;
  if (startsAt !== undefined && startsAt <= current) {
    const stored = idsFrom(startsAt, events.length);
    const again = events.every((event, index) => stored[index] === event.id);
    if (again) return { kind: 'duplicate', lastRevision: startsAt + events.length - 1 };
  }
  if (expected === 'any') return { kind: 'write', fromRevision: current + 1 };
  const ok = expected === 'stream_exists' ? current >= 0 : startsAt === current + 1;
  if (!ok)
    throw new WrongExpectedVersionError(streamId, expected, current < 0 ? 'no_stream' : current);
  return { kind: 'write', fromRevision: current + 1 };
}
