import { randomUUID } from 'node:crypto';
import {
  chainHash,
  GENESIS,
  verifyChains,
  WrongExpectedVersionError,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '@billing/shared/event-store';

/** An event of no domain, for the tests of stores and the tools over them. */
export function testEvent(type = 'Happened', data: unknown = {}): NewEvent {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: {
      tenantId: 't1',
      correlationId: 'c1',
      causationId: randomUUID(),
      actor: 'tester',
      occurredAt: '2026-01-01T00:00:00.000Z',
      schemaVersion: 1,
    },
  };
}

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Changes one byte of an event's stored data behind the adapter's back, as someone with the storage
 * could: the store still reads it, the chain must not hold.
 */
export type Tamper = (store: EventStore, streamId: string, revision: number) => Promise<void>;

/** JSON text with its first digit changed (`{"n":1}` → `{"n":2}`): one byte, still valid JSON. */
export function oneByteChanged(json: string): string {
  const at = json.search(/\d/);
  if (at < 0) throw new Error(`no digit to change in ${json}`);
  return `${json.slice(0, at)}${(Number(json[at]) + 1) % 10}${json.slice(at + 1)}`;
}

/** The EventStore contract (ARCHITECTURE.md "Event store semantics"); every adapter runs it. */
export function eventStoreConformance(
  name: string,
  open: () => Promise<EventStore>,
  tamper: Tamper,
): void {
  describe(`EventStore conformance: ${name}`, () => {
    let store: EventStore;
    const stream = () => `test-${randomUUID()}`;
    beforeEach(async () => (store = await open()));
    afterEach(async () => store.close());

    describe('expected revision', () => {
      it('no_stream appends to a new stream and refuses an existing one', async () => {
        const s = stream();
        await expect(store.append(s, [testEvent()], 'no_stream')).resolves.toMatchObject({
          nextRevision: 0,
        });
        await expect(store.append(s, [testEvent()], 'no_stream')).rejects.toBeInstanceOf(
          WrongExpectedVersionError,
        );
      });
      it('stream_exists refuses a new stream and appends to an existing one', async () => {
        const s = stream();
        await expect(store.append(s, [testEvent()], 'stream_exists')).rejects.toBeInstanceOf(
          WrongExpectedVersionError,
        );
        await store.append(s, [testEvent()], 'no_stream');
        await expect(
          store.append(s, [testEvent(), testEvent()], 'stream_exists'),
        ).resolves.toMatchObject({
          nextRevision: 2,
        });
      });
      it('any appends whatever the stream holds', async () => {
        const s = stream();
        await store.append(s, [testEvent()], 'any');
        await expect(store.append(s, [testEvent()], 'any')).resolves.toMatchObject({
          nextRevision: 1,
        });
      });
      it('an exact revision must be the last one', async () => {
        const s = stream();
        await store.append(s, [testEvent(), testEvent()], 'no_stream');
        await expect(store.append(s, [testEvent()], 0)).rejects.toMatchObject({
          expected: 0,
          actual: 1,
        });
        await expect(store.append(s, [testEvent()], 2)).rejects.toBeInstanceOf(
          WrongExpectedVersionError,
        );
        await expect(store.append(stream(), [testEvent()], 0)).rejects.toMatchObject({
          actual: 'no_stream',
        });
        await expect(store.append(s, [testEvent()], 1)).resolves.toMatchObject({ nextRevision: 2 });
      });
      it('a refused append writes nothing', async () => {
        const s = stream();
        await store.append(s, [testEvent()], 'no_stream');
        const head = await store.headPosition();
        await expect(store.append(s, [testEvent(), testEvent()], 5)).rejects.toBeInstanceOf(
          WrongExpectedVersionError,
        );
        expect(await store.readStream(s)).toHaveLength(1);
        expect(await store.headPosition()).toBe(head);
      });
    });

    describe('idempotent re-append', () => {
      it('the same event ids at the same expected revision succeed once and write once', async () => {
        const s = stream();
        const batch = [testEvent(), testEvent()];
        const first = await store.append(s, batch, 'no_stream');
        const again = await store.append(s, batch, 'no_stream');
        expect(again).toEqual(first);
        const next = [testEvent()];
        const third = await store.append(s, next, 1);
        expect(await store.append(s, next, 1)).toEqual(third);
        expect((await store.readStream(s)).map((e) => e.id)).toEqual(
          [...batch, ...next].map((e) => e.id),
        );
      });
      it('other ids at a taken revision are a conflict', async () => {
        const s = stream();
        await store.append(s, [testEvent()], 'no_stream');
        await expect(store.append(s, [testEvent()], 'no_stream')).rejects.toBeInstanceOf(
          WrongExpectedVersionError,
        );
      });
    });

    describe('reading', () => {
      it('reads a stream forwards and backwards with envelope intact', async () => {
        const s = stream();
        const batch = [
          testEvent('A', { n: 1 }),
          testEvent('B', { n: 2 }),
          testEvent('C', { n: 3 }),
        ];
        await store.append(s, batch, 'no_stream');
        const forwards = await store.readStream(s);
        expect(forwards.map((e) => [e.type, e.revision, e.data])).toEqual([
          ['A', 0, { n: 1 }],
          ['B', 1, { n: 2 }],
          ['C', 2, { n: 3 }],
        ]);
        expect(forwards[0]).toMatchObject({
          id: batch[0].id,
          streamId: s,
          metadata: batch[0].metadata,
        });
        expect(typeof forwards[0].recordedAt).toBe('string');
        expect((await store.readStream(s, { direction: 'backwards' })).map((e) => e.type)).toEqual([
          'C',
          'B',
          'A',
        ]);
        expect(
          (await store.readStream(s, { fromRevision: 1, maxCount: 1 })).map((e) => e.type),
        ).toEqual(['B']);
        expect(
          (await store.readStream(s, { direction: 'backwards', fromRevision: 1 })).map(
            (e) => e.type,
          ),
        ).toEqual(['B', 'A']);
        expect(await store.readStream(stream())).toEqual([]);
      });
      it('reads $all by global position, in commit order, with a stream filter', async () => {
        const [a, b] = [stream(), `other-${randomUUID()}`];
        const start = await store.headPosition();
        await store.append(a, [testEvent('A1')], 'no_stream');
        await store.append(b, [testEvent('B1')], 'no_stream');
        await store.append(a, [testEvent('A2')], 0);
        const all = await store.readAll({ fromPosition: start });
        expect(all.map((e) => e.type)).toEqual(['A1', 'B1', 'A2']);
        expect(all.map((e) => e.position)).toEqual(
          [...all.map((e) => e.position)].sort((x, y) => x - y),
        );
        expect(new Set(all.map((e) => e.position)).size).toBe(3);
        expect((await store.readAll({ fromPosition: all[0].position })).map((e) => e.type)).toEqual(
          ['B1', 'A2'],
        );
        expect(
          (await store.readAll({ fromPosition: start, streamPrefixes: ['other-'] })).map(
            (e) => e.type,
          ),
        ).toEqual(['B1']);
        expect(
          (await store.readAll({ direction: 'backwards', maxCount: 2 })).map((e) => e.type),
        ).toEqual(['A2', 'B1']);
        expect(
          (await store.readAll({ direction: 'backwards', fromPosition: all[2].position }))
            .map((e) => e.type)
            .slice(0, 2),
        ).toEqual(['B1', 'A1']);
        expect(await store.headPosition()).toBe(all[2].position);
      });
      it('counts maxCount in the events that pass the stream filter, in both directions', async () => {
        const [a, b] = [stream(), `other-${randomUUID()}`];
        const start = await store.headPosition();
        await store.append(a, [testEvent('A1')], 'no_stream');
        await store.append(b, [testEvent('B1'), testEvent('B2')], 'no_stream');
        await store.append(a, [testEvent('A2')], 0);
        await store.append(b, [testEvent('B3')], 1);
        const types = (events: RecordedEvent[]) => events.map((e) => e.type);
        expect(
          types(await store.readAll({ fromPosition: start, streamPrefixes: [a], maxCount: 1 })),
        ).toEqual(['A1']);
        expect(
          types(await store.readAll({ fromPosition: start, streamPrefixes: [b], maxCount: 2 })),
        ).toEqual(['B1', 'B2']);
        expect(
          types(await store.readAll({ direction: 'backwards', streamPrefixes: [a], maxCount: 1 })),
        ).toEqual(['A2']);
        expect(
          types(
            await store.readAll({ direction: 'backwards', streamPrefixes: [b, a], maxCount: 3 }),
          ),
        ).toEqual(['B3', 'A2', 'B2']);
        expect(types(await store.readStream(a, { direction: 'backwards', maxCount: 1 }))).toEqual([
          'A2',
        ]);
      });
      it('reads $all forwards up to a position, inclusive, with or without a stream filter', async () => {
        const [a, b] = [stream(), `other-${randomUUID()}`];
        const start = await store.headPosition();
        await store.append(a, [testEvent('A1')], 'no_stream');
        await store.append(b, [testEvent('B1'), testEvent('B2')], 'no_stream');
        await store.append(a, [testEvent('A2')], 0);
        const all = await store.readAll({ fromPosition: start });
        const types = (events: RecordedEvent[]) => events.map((e) => e.type);
        expect(
          types(await store.readAll({ fromPosition: start, toPosition: all[1].position })),
        ).toEqual(['A1', 'B1']);
        expect(
          types(
            await store.readAll({
              fromPosition: start,
              toPosition: all[2].position,
              streamPrefixes: [a],
            }),
          ),
        ).toEqual(['A1']);
        expect(
          types(
            await store.readAll({
              fromPosition: all[0].position,
              toPosition: all[2].position,
              streamPrefixes: [a],
            }),
          ),
        ).toEqual([]);
        expect(
          types(
            await store.readAll({
              fromPosition: start,
              toPosition: all[3].position,
              streamPrefixes: [a],
              maxCount: 5,
            }),
          ),
        ).toEqual(['A1', 'A2']);
        expect(
          await store.readAll({ fromPosition: all[3].position, toPosition: all[3].position }),
        ).toEqual([]);
      });
    });

    describe('catch-up subscription', () => {
      it('delivers history, then events appended during catch-up, then live, without gap or duplicate', async () => {
        const s = stream();
        const start = await store.headPosition();
        for (let i = 0; i < 30; i++)
          await store.append(s, [testEvent('E', { i })], i === 0 ? 'no_stream' : i - 1);
        const seen: RecordedEvent[] = [];
        let appendedDuringCatchUp = 30;
        const subscription = store.subscribeToAll(
          { fromPosition: start, streamPrefixes: [s] },
          async (e) => {
            seen.push(e);
            if (appendedDuringCatchUp < 40) {
              await store.append(
                s,
                [testEvent('E', { i: appendedDuringCatchUp })],
                appendedDuringCatchUp - 1,
              );
              appendedDuringCatchUp++;
            }
          },
        );
        await until(() => seen.length === 40, '40 events');
        for (let i = 40; i < 45; i++) await store.append(s, [testEvent('E', { i })], i - 1);
        await until(() => seen.length === 45, 'live events');
        await new Promise((resolve) => setTimeout(resolve, 50));
        await subscription.stop();
        expect(seen.map((e) => (e.data as { i: number }).i)).toEqual([...Array(45).keys()]);
        expect(subscription.position).toBe(seen[44].position);
      });
      it('starts after a checkpoint and skips streams outside the filter', async () => {
        const s = stream();
        await store.append(s, [testEvent('Old')], 'no_stream');
        const checkpoint = await store.headPosition();
        await store.append(`other-${randomUUID()}`, [testEvent('Elsewhere')], 'no_stream');
        await store.append(s, [testEvent('New')], 0);
        const seen: string[] = [];
        const subscription = store.subscribeToAll(
          { fromPosition: checkpoint, streamPrefixes: [s] },
          async (e) => void seen.push(e.type),
        );
        await until(() => seen.length === 1, 'one event');
        await subscription.stop();
        expect(seen).toEqual(['New']);
      });
      it('retries a handler that throws on the same event, then goes on in order', async () => {
        const s = stream();
        const start = await store.headPosition();
        await store.append(s, [testEvent('E', { i: 0 }), testEvent('E', { i: 1 })], 'no_stream');
        const [attempts, errors]: [number[], unknown[]] = [[], []];
        const subscription = store.subscribeToAll(
          { fromPosition: start, streamPrefixes: [s] },
          async (e) => {
            const i = (e.data as { i: number }).i;
            attempts.push(i);
            if (attempts.length === 1) throw new Error('handler failed');
          },
          (error) => void errors.push(error),
        );
        await until(() => attempts.length === 3, 'the retry and the next event');
        await subscription.stop();
        expect(attempts).toEqual([0, 0, 1]);
        expect(errors).toHaveLength(1);
        expect(subscription.position).toBe((await store.readStream(s))[1].position);
      });
    });

    describe('hash chain (ADR 19)', () => {
      const chainHolds = (events: RecordedEvent[]) => {
        let previous = GENESIS;
        for (const e of events) {
          expect([e.revision, e.hash]).toEqual([e.revision, chainHash(previous, e)]);
          previous = e.hash!;
        }
      };
      it('chains each event to the one before it in its stream, whatever the expected revision', async () => {
        const s = stream();
        const start = await store.headPosition();
        await store.append(s, [testEvent('A', { n: 1 }), testEvent('B', { n: 2 })], 'no_stream');
        await store.append(s, [testEvent('C', { n: 3 })], 1);
        await store.append(s, [testEvent('D', { n: 4 })], 'any');
        await store.append(s, [testEvent('E', { n: 5 })], 'stream_exists');
        const events = await store.readStream(s);
        chainHolds(events);
        expect(
          (await store.readAll({ fromPosition: start, streamPrefixes: [s] })).map((e) => e.hash),
        ).toEqual(events.map((e) => e.hash));
        expect(await verifyChains(store, { streamId: s })).toMatchObject({
          events: 5,
          streams: 1,
          verified: 5,
          unhashed: 0,
          breakCount: 0,
          intact: true,
        });
      });
      it('keeps one chain under concurrent writers and idempotent re-appends', async () => {
        const s = stream();
        const first = [testEvent('A', { n: 0 })];
        const appended = await store.append(s, first, 'no_stream');
        await Promise.all(
          [1, 2, 3, 4, 5].map((n) => store.append(s, [testEvent('W', { n })], 'any')),
        );
        const racing = await Promise.allSettled([
          store.append(s, [testEvent('X', { n: 6 })], 5),
          store.append(s, [testEvent('Y', { n: 6 })], 5),
        ]);
        expect(racing.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
        expect(await store.append(s, first, 'no_stream')).toEqual(appended);
        const events = await store.readStream(s);
        expect(events).toHaveLength(7);
        chainHolds(events);
      });
      it('names the altered event when one byte of its stored data changes', async () => {
        const s = stream();
        await store.append(
          s,
          [testEvent('A', { n: 1 }), testEvent('B', { n: 2 }), testEvent('C', { n: 3 })],
          'no_stream',
        );
        const altered = (await store.readStream(s))[1];
        await tamper(store, s, 1);
        expect((await store.readStream(s))[1].data).toEqual({ n: 3 });
        const report = await verifyChains(store, { streamId: s });
        expect(report).toMatchObject({ events: 3, verified: 2, breakCount: 1, intact: false });
        expect(report.breaks).toEqual([
          {
            streamId: s,
            revision: 1,
            eventId: altered.id,
            position: altered.position,
            kind: 'hash',
            expected: expect.any(String),
            found: altered.hash,
          },
        ]);
        expect(report.breaks[0].expected).not.toBe(altered.hash);
        expect((await verifyChains(store)).breaks).toContainEqual(report.breaks[0]);
      });
    });

    it('two writers racing on one stream: exactly one wins', async () => {
      const s = stream();
      await store.append(s, [testEvent()], 'no_stream');
      const results = await Promise.allSettled([
        store.append(s, [testEvent('W1')], 0),
        store.append(s, [testEvent('W2')], 0),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(loser.reason).toBeInstanceOf(WrongExpectedVersionError);
      expect(await store.readStream(s)).toHaveLength(2);
    });
  });
}
