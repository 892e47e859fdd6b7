import type * as streams from '@eventstore/db-client/generated/streams_pb';
import type { LogEvent } from './log';

export type EventFilter = (event: LogEvent) => boolean;

/**
 * What reading `$all` without a filter returns (EventFilter.DefaultAllFilterStrategy in
 * KurrentDB.Core/Services/Storage/ReaderIndex/EventFilter.cs): every event except
 * `$epoch-information` and the checkpoints and parked messages of persistent subscriptions to
 * `$all`. Other system streams (`$`-prefixed) are included.
 */
export const defaultAllFilter: EventFilter = (event) => {
  const id = event.streamId;
  if (!id.startsWith('$')) return true;
  if (id === '$epoch-information') return false;
  const persistentToAll = id.startsWith('$persistentsubscription-$all::');
  return !(persistentToAll && (id.endsWith('-checkpoint') || id.endsWith('-parked')));
};

/**
 * A `FilterOptions` of a Read on `$all`: stream-name or event-type prefixes or regex, on top of the
 * default filter.
 */
export function eventFilter(
  options: streams.ReadReq.Options.FilterOptions | undefined,
): EventFilter {
  if (!options) return defaultAllFilter;
  const onStream = options.hasStreamIdentifier();
  const expression = onStream ? options.getStreamIdentifier() : options.getEventType();
  if (!expression) return defaultAllFilter;
  const field = (event: LogEvent) => (onStream ? event.streamId : event.type);
  const regex = expression.getRegex();
  if (regex) {
    const pattern = new RegExp(regex);
    return (event) => defaultAllFilter(event) && pattern.test(field(event));
  }
  const prefixes = expression.getPrefixList();
  return (event) =>
    defaultAllFilter(event) && prefixes.some((prefix) => field(event).startsWith(prefix));
}

/**
 * Events considered between two checkpoints: the multiplier times the search window, 32 by default
 * (Enumerator.AllSubscriptionFiltered).
 */
export function checkpointInterval(options: streams.ReadReq.Options.FilterOptions): number {
  const window = options.hasMax() ? options.getMax() : 32;
  return Math.max(1, options.getCheckpointintervalmultiplier()) * window;
}
