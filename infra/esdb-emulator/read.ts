import type * as streams from '@eventstore/db-client/generated/streams_pb';
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { defaultAllFilter, eventFilter } from './filter';
import type { LogEvent, TransactionLog } from './log';
import { invalid, send, unimplemented, type ReadCall } from './call';
import { subscribeToAll } from './subscription';
import { readEvent, streamName, streamNotFound } from './wire';

const { StreamOptionCase, CountOptionCase, ReadDirection } = ReadReq.Options;

/**
 * Streams.Read (KurrentDB.Core/Services/Transport/Grpc/Streams.Read.cs): which enumerator a
 * request's options select.
 */
export async function read(call: ReadCall, log: TransactionLog): Promise<void> {
  const options = call.request.getOptions();
  try {
    if (!options) throw invalid('options are required');
    const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
    const count = options.getCountOptionCase();
    if (options.getStreamOptionCase() === StreamOptionCase.STREAM) {
      if (count !== CountOptionCase.COUNT) throw unimplemented('subscriptions to a single stream');
      await readStream(call, log, options, structuredIds);
    } else if (options.getStreamOptionCase() === StreamOptionCase.ALL) {
      if (count === CountOptionCase.SUBSCRIPTION)
        return await subscribeToAll(call, log, options, structuredIds);
      await readAll(call, log, options, structuredIds);
    } else throw invalid('a stream or $all is required');
    call.end();
  } catch (error) {
    call.emit('error', error);
  }
}

/**
 * Enumerator.ReadStreamForwards / ReadStreamBackwards: from a revision (inclusive), the start or
 * the end, at most `count` events; a stream that does not exist answers `stream_not_found`.
 */
async function readStream(
  call: ReadCall,
  log: TransactionLog,
  options: streams.ReadReq.Options,
  structuredIds: boolean,
): Promise<void> {
  const stream = options.getStream()!;
  const name = streamName(stream.getStreamIdentifier());
  const events = log.stream(name);
  if (!events) {
    await send(call, streamNotFound(name));
    return;
  }
  const forwards = options.getReadDirection() === ReadDirection.FORWARDS;
  const from = stream.hasRevision()
    ? Number(stream.getRevision())
    : stream.hasEnd()
      ? events.length - 1
      : 0;
  const selected = forwards
    ? events.slice(from)
    : events.slice(0, Math.min(from, events.length - 1) + 1).reverse();
  await sendAll(call, selected, Number(options.getCount()), structuredIds);
}

/**
 * Enumerator.ReadAllForwards / ReadAllBackwards and their Filtered variants over AllReader:
 * forwards from a position inclusive, backwards the events that end at or before it; without a
 * filter the default `$all` filter applies.
 */
async function readAll(
  call: ReadCall,
  log: TransactionLog,
  options: streams.ReadReq.Options,
  structuredIds: boolean,
): Promise<void> {
  const all = options.getAll()!;
  const forwards = options.getReadDirection() === ReadDirection.FORWARDS;
  const position = all.hasPosition()
    ? Number(all.getPosition()!.getCommitPosition())
    : all.hasEnd()
      ? log.head
      : 0;
  const filter = options.hasFilter() ? eventFilter(options.getFilter()) : defaultAllFilter;
  const events = forwards
    ? log.events.slice(log.indexAtOrAfter(position))
    : log.events.slice(0, log.indexEndingBy(position)).reverse();
  await sendAll(call, events.filter(filter), Number(options.getCount()), structuredIds);
}

async function sendAll(
  call: ReadCall,
  events: readonly LogEvent[],
  count: number,
  structuredIds: boolean,
): Promise<void> {
  for (const event of events.slice(0, count))
    if (!(await send(call, readEvent(event, structuredIds)))) return;
}
