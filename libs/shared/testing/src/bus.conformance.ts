import { randomUUID } from 'node:crypto';
import {
  InvalidMessage,
  messageFrom,
  type Bus,
  type Message,
  type RelaySource,
} from '@billing/shared/bus';
import type { EventStore, NewEvent } from '@billing/shared/event-store';
import { ConcurrencyError, RuleViolation } from '@billing/shared/kernel';
import { ConsumerState, REFUSALS, type ReadModelStore } from '@billing/shared/read-models';

/**
 * One deployment of a bus adapter: a store (the outbox), the committed state, and its instances
 * (processes).
 */
export interface BusWorld {
  store: EventStore;
  readModels: ReadModelStore;
  /** A new instance over the same store and committed positions, as a process would be. */
  open(): Promise<Bus>;
  /** What `kill -9` does to an instance: nothing more handled, committed or released. */
  kill(bus: Bus): Promise<void>;
  close(): Promise<void>;
}

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A producing context in miniature: streams `<prefix>-<key>`, each event published as a message of
 * its type, except `Private` ones.
 */
function producer(store: EventStore) {
  const id = randomUUID().slice(0, 8);
  const prefix = `p${id}-`;
  const topic = `test.${id}`;
  const source: RelaySource = {
    topic,
    streamPrefixes: [prefix],
    toMessages: (event) => {
      if (event.type === 'Unreadable')
        throw new Error('Unreadable fails its schema: amount must be an integer');
      return event.type === 'Private'
        ? []
        : [messageFrom(event, topic, event.streamId, event.type, event.data)];
    },
  };
  const revisions = new Map<string, number>();
  const emit = async (key: string, ...types: string[]) => {
    const stream = `${prefix}${key}`;
    const events: NewEvent[] = types.map((type) => ({
      id: randomUUID(),
      type,
      data: { key },
      metadata: {
        tenantId: 't',
        correlationId: 'c',
        causationId: randomUUID(),
        actor: 'a',
        occurredAt: '2026-01-01T00:00:00.000Z',
        schemaVersion: 1,
      },
    }));
    const expected = revisions.get(stream) ?? -1;
    const result = await store.append(stream, events, expected < 0 ? 'no_stream' : expected);
    revisions.set(stream, result.nextRevision);
    return events.map((event) => event.id);
  };
  return { source, topic, emit };
}

/** The Bus contract (ARCHITECTURE.md "Bus semantics"); every adapter runs it. */
export function busConformance(name: string, openWorld: () => Promise<BusWorld>): void {
  describe(`Bus conformance: ${name}`, () => {
    let world: BusWorld;
    const buses: Bus[] = [];
    const open = async (source: RelaySource) => {
      const bus = await world.open();
      buses.push(bus);
      await bus.relay(source);
      return bus;
    };
    const parked = (consumer?: string) => new ConsumerState(world.readModels).parked(consumer);
    let logged: jest.SpyInstance[];
    beforeEach(async () => {
      // Parking and refusals are logged; here they are expected, and asserted where they matter.
      logged = [
        jest.spyOn(console, 'error').mockImplementation(() => undefined),
        jest.spyOn(console, 'warn').mockImplementation(() => undefined),
      ];
      world = await openWorld();
    });
    afterEach(async () => {
      await Promise.all(buses.splice(0).map((bus) => bus.close()));
      await world.close();
      logged.forEach((spy) => spy.mockRestore());
    });

    it('delivers one key in order to every group', async () => {
      const p = producer(world.store);
      const bus = await open(p.source);
      const [a, b]: string[][] = [[], []];
      await bus.subscribe('group-a', [p.topic], async (m) => void a.push(m.id));
      await bus.subscribe('group-b', [p.topic], async (m) => void b.push(m.id));
      const sent: string[] = [];
      for (let i = 0; i < 20; i++) sent.push(...(await p.emit('k1', 'Happened')));
      await until(() => a.length === 20 && b.length === 20, 'both groups');
      expect(a).toEqual(sent);
      expect(b).toEqual(sent);
    });

    it('delivers to a group what was published before it subscribed, and nothing of private events', async () => {
      const p = producer(world.store);
      const early = [
        ...(await p.emit('k1', 'Happened', 'Private')),
        ...(await p.emit('k2', 'Happened')),
      ];
      const bus = await open(p.source);
      const seen: string[] = [];
      await bus.subscribe('late', [p.topic], async (m) => void seen.push(m.id));
      await until(() => seen.length === 2, 'the earlier messages');
      // Two keys: order is kept per key only (a broker delivers its partitions independently).
      expect([...seen].sort()).toEqual([early[0], early[2]].sort());
    });

    it('parks a message it cannot read or keeps failing on, with the reason, and goes on', async () => {
      const p = producer(world.store);
      const bus = await open(p.source);
      let attempts = 0;
      const done: string[] = [];
      await bus.subscribe('group', [p.topic], async (m) => {
        if (m.type === 'Flaky' && ++attempts < 3) throw new ConcurrencyError('stream moved');
        if (m.type === 'Poison') throw new Error('database unreachable');
        if (m.type === 'Invalid') throw new InvalidMessage('amount: must be an integer');
        done.push(m.type);
      });
      await p.emit('k', 'Flaky', 'Poison', 'Unreadable', 'Invalid', 'After');
      await until(() => done.length === 2, 'the retried and the last message');
      expect(done).toEqual(['Flaky', 'After']);
      expect(attempts).toBe(3);
      expect(console.error).toHaveBeenCalledWith(
        expect.stringMatching(/group parked Poison .*database unreachable/),
      );
      // An event its producer cannot map is parked where it is mapped: by the group on the
      // store-backed bus (a topic is a view of the streams), by the relay on a broker (it never
      // becomes a message).
      const entries = (await parked()).sort((a, b) => a.type.localeCompare(b.type));
      expect(entries.map((entry) => [entry.type, entry.error])).toEqual([
        ['Invalid', 'amount: must be an integer'],
        ['Poison', 'database unreachable'],
        ['Unreadable', 'Error: Unreadable fails its schema: amount must be an integer'],
      ]);
      expect(
        entries.filter((entry) => entry.consumer === 'group').map((entry) => entry.type),
      ).toEqual(expect.arrayContaining(['Invalid', 'Poison']));
    });

    it('tries its parked messages again when it starts again, and unparks those it now handles (the repair: fix, redeploy)', async () => {
      const p = producer(world.store);
      let fixed = false;
      const seen: string[] = [];
      const handler = async (m: Message) => {
        if (m.type === 'Broken' && !fixed) throw new Error('a bug');
        seen.push(m.type);
      };
      const first = await open(p.source);
      await first.subscribe('group', [p.topic], handler);
      await p.emit('k', 'Broken', 'After');
      await until(() => seen.length === 1, 'the message after the parked one');
      expect((await parked('group')).map((entry) => entry.type)).toEqual(['Broken']);
      await first.close();
      fixed = true;
      const second = await open(p.source);
      await second.subscribe('group', [p.topic], handler);
      await until(() => seen.length === 2, 'the parked message, handled again');
      expect(seen).toEqual(['After', 'Broken']);
      expect(await parked('group')).toEqual([]);
    });

    it('unparks a parked message that a business rule refuses once tried again, and records the refusal as on a first delivery', async () => {
      const p = producer(world.store);
      let fixed = false;
      const seen: string[] = [];
      const handler = async (m: Message) => {
        if (m.type === 'Broken' && !fixed) throw new Error('a bug');
        seen.push(m.type);
        if (m.type === 'Broken') throw new RuleViolation('no retainage is held');
      };
      const first = await open(p.source);
      await first.subscribe('group', [p.topic], handler);
      const [broken] = await p.emit('k', 'Broken', 'After');
      await until(() => seen.length === 1, 'the message after the parked one');
      await first.close();
      fixed = true;
      const second = await open(p.source);
      await second.subscribe('group', [p.topic], handler);
      await until(async () => (await parked('group')).length === 0, 'the parked message, unparked');
      expect(seen).toEqual(['After', 'Broken']);
      const refusals = await world.readModels.find<{
        consumer: string;
        messageId: string;
        reason: string;
      }>(REFUSALS, {
        consumer: 'group',
      });
      expect(refusals.map(({ messageId, reason }) => [messageId, reason])).toEqual([
        [broken, 'no retainage is held'],
      ]);
    });

    it('acknowledges a business refusal without parking it', async () => {
      const p = producer(world.store);
      const bus = await open(p.source);
      const seen: string[] = [];
      await bus.subscribe('group', [p.topic], async (m) => {
        seen.push(m.type);
        if (m.type === 'Refused') throw new RuleViolation('no retainage is held');
      });
      await p.emit('k', 'Refused', 'Next');
      await until(() => seen.length === 2, 'both messages');
      expect(seen).toEqual(['Refused', 'Next']);
      expect(await parked('group')).toEqual([]);
    });

    it('resumes after a restart from the committed position: nothing again, nothing lost', async () => {
      const p = producer(world.store);
      const first = await open(p.source);
      const seen: string[] = [];
      await first.subscribe('group', [p.topic], async (m) => void seen.push(m.id));
      const before = await p.emit('k', 'A', 'B', 'C');
      await until(() => seen.length === 3, 'the first messages');
      await first.close();
      const after = await p.emit('k', 'D', 'E');
      const second = await open(p.source);
      await second.subscribe('group', [p.topic], async (m) => void seen.push(m.id));
      await until(() => seen.length === 5, 'the messages after the restart');
      await sleep(200);
      expect(seen).toEqual([...before, ...after]);
    });

    it('redelivers a message whose handling was cut short by a crash before the commit', async () => {
      const p = producer(world.store);
      const first = await open(p.source);
      const seen: string[] = [];
      await first.subscribe('group', [p.topic], async (m) => {
        seen.push(m.type);
        if (m.type === 'B') await new Promise(() => undefined); // the process dies while handling B
      });
      await p.emit('k', 'A', 'B', 'C');
      await until(() => seen.includes('B'), 'B in hand');
      await world.kill(first);
      const second = await open(p.source);
      await second.subscribe('group', [p.topic], async (m) => void seen.push(m.type));
      await until(() => seen.length === 4, 'B again and C');
      expect(seen).toEqual(['A', 'B', 'B', 'C']);
    });

    it('shares one group between two instances without handling a message twice', async () => {
      const p = producer(world.store);
      const [one, two] = [await open(p.source), await open(p.source)];
      const handledBy = new Map<string, string[]>();
      const handler = (instance: string) => async (m: Message) => {
        handledBy.set(m.id, [...(handledBy.get(m.id) ?? []), instance]);
        await sleep(2);
      };
      await one.subscribe('shared', [p.topic], handler('one'));
      await two.subscribe('shared', [p.topic], handler('two'));
      for (let key = 0; key < 40; key++) {
        await p.emit(`k${key}`, 'Happened', 'Happened');
        await sleep(25); // spread over a few rebalances, so the second instance joins while work arrives
      }
      await until(() => handledBy.size === 80, 'every message');
      await sleep(300);
      expect([...handledBy.values()].filter((instances) => instances.length > 1)).toEqual([]);
      const counts = [...handledBy.values()]
        .flat()
        .reduce(
          (count, instance) => count.set(instance, (count.get(instance) ?? 0) + 1),
          new Map<string, number>(),
        );
      expect(counts.get('one')).toBeGreaterThan(0);
      expect(counts.get('two')).toBeGreaterThan(0);
    });
  });
}
