import { InMemoryEventStore } from '@billing/shared/event-store';
import { testEvent } from '@billing/shared/testing';
import { eventsAt, type AuditIndexEntry } from './audit-index';

describe('eventsAt: the events a page of the audit index names', () => {
  it('reads each run of consecutive revisions of a stream at once, in the order named', async () => {
    const store = new InMemoryEventStore();
    await store.append('thing-a', [testEvent(), testEvent(), testEvent()], 'no_stream');
    await store.append('thing-b', [testEvent(), testEvent()], 'no_stream');
    const reads: string[] = [];
    const readStream = store.readStream.bind(store);
    store.readStream = (streamId, options) => {
      reads.push(`${streamId}@${options?.fromRevision}+${options?.maxCount}`);
      return readStream(streamId, options);
    };
    const entry = (streamId: string, revision: number) =>
      ({ streamId, revision }) as AuditIndexEntry;
    const named = [
      entry('thing-a', 0),
      entry('thing-a', 1),
      entry('thing-b', 0),
      entry('thing-a', 2),
      entry('thing-b', 1),
    ];
    const events = await eventsAt(store, named);
    expect(events.map(({ streamId, revision }) => `${streamId}@${revision}`)).toEqual(
      named.map(({ streamId, revision }) => `${streamId}@${revision}`),
    );
    expect(reads).toEqual(['thing-a@0+2', 'thing-b@0+1', 'thing-a@2+1', 'thing-b@1+1']);
    await expect(eventsAt(store, [entry('thing-b', 1), entry('thing-b', 2)])).rejects.toThrow(
      'the audit index names event 2 of thing-b, which the store does not hold',
    );
  });
});
