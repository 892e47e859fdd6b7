import { randomUUID } from 'node:crypto';
import type * as streams from '@eventstore/db-client/generated/streams_pb';
import { checkpointInterval, defaultAllFilter, eventFilter } from './filter';
import type { TransactionLog } from './log';
import { send, type ReadCall } from './call';
import { caughtUp, checkpoint, confirmation, readEvent } from './wire';

/**
 * A catch-up subscription to `$all`, in the order of Enumerator.AllSubscriptionFiltered (and
 * AllSubscription without a filter) in KurrentDB.Core/Services/Transport/Enumerators:
 *
 * 1. `confirmation` with a subscription id;
 * 2. every event after the requested position (exclusive: "we should send on events _after_ this"),
 *    from the start, or only what comes next for `end`; with a filter, a `checkpoint` each time
 *    `checkpointIntervalMultiplier x maxSearchWindow` events have been considered, matching or not,
 *    at the last position considered, never one at or before the previous checkpoint;
 * 3. at the end of the log: a `checkpoint` (filtered only) and `caught_up`;
 * 4. then live: each new event and checkpoint as it is written (SubscriptionsService.ProcessEventCommitted
 *    counts considered events the same way).
 *
 * The server catches up from reads and then switches to a live queue, skipping live events at or
 * before the last one sent; here the log is in memory, so one cursor over it serves both phases and
 * no event can be skipped or sent twice. `fell_behind` is never sent (the server does not send it
 * to clients either: ResponseConverter maps it to nothing).
 */
export async function subscribeToAll(
  call: ReadCall,
  log: TransactionLog,
  options: streams.ReadReq.Options,
  structuredIds: boolean,
): Promise<void> {
  const all = options.getAll()!;
  const filterOptions = options.hasFilter() ? options.getFilter() : undefined;
  const filter = filterOptions ? eventFilter(filterOptions) : defaultAllFilter;
  const interval = filterOptions ? checkpointInterval(filterOptions) : Infinity;
  const gone = whenGone(call);
  const from = all.hasPosition() ? Number(all.getPosition()!.getCommitPosition()) : -1;
  let next = all.hasPosition()
    ? log.indexAtOrAfter(from + 1)
    : all.hasEnd()
      ? log.events.length
      : 0;
  let [considered, scanned, lastCheckpoint, live] = [0, from, -1, false];
  const sendCheckpoint = async (position: number) => {
    if (position <= lastCheckpoint) return true;
    lastCheckpoint = position;
    return send(call, checkpoint(position));
  };
  if (!(await send(call, confirmation(randomUUID())))) return;
  for (;;) {
    const appended = log.appended();
    while (next < log.events.length) {
      const event = log.events[next++];
      [considered, scanned] = [considered + 1, event.logPosition];
      if (filter(event) && !(await send(call, readEvent(event, structuredIds)))) return;
      if (considered >= interval) {
        considered = 0;
        if (!(await sendCheckpoint(scanned))) return;
      }
    }
    if (!live) {
      // The first record of the log (the epoch) stands in when nothing was considered
      // (TFPos.FirstRecordOfTf).
      if (filterOptions && !(await sendCheckpoint(Math.max(scanned, 0)))) return;
      if (!(await send(call, caughtUp()))) return;
      live = true;
    }
    await Promise.race([appended, gone]);
    if (call.cancelled || call.destroyed) return;
  }
}

function whenGone(call: ReadCall): Promise<void> {
  return new Promise((resolve) => {
    call.once('cancelled', () => resolve());
    call.once('close', () => resolve());
  });
}
