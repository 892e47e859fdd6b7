import { randomUUID } from 'node:crypto';
import { deadLetterTopic, InvalidMessage, type Bus, type Message } from '@billing/shared/bus';
import { ConcurrencyError, RuleViolation } from '@billing/shared/kernel';

export function message(topic: string, key: string, type = 'Happened', data: unknown = {}): Message {
  return { id: randomUUID(), type, schemaVersion: 1, topic, key, data, tenantId: 't', correlationId: 'c', causationId: 'e', actor: 'a', occurredAt: '2026-01-01T00:00:00.000Z' };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The Bus contract (ARCHITECTURE.md "Bus semantics"); every adapter runs it. */
export function busConformance(name: string, open: () => Promise<Bus>): void {
  describe(`Bus conformance: ${name}`, () => {
    let bus: Bus;
    const topic = () => `test.${randomUUID()}`;
    beforeEach(async () => (bus = await open()));
    afterEach(() => bus.close());

    it('delivers a key in publish order to every group subscribed', async () => {
      const t = topic();
      const [a, b]: string[][] = [[], []];
      await bus.subscribe('group-a', [t], async (m) => void a.push(m.id));
      await bus.subscribe('group-b', [t], async (m) => void b.push(m.id));
      const sent = Array.from({ length: 20 }, () => message(t, 'k1'));
      for (const m of sent) await bus.publish([m]);
      await until(() => a.length === 20 && b.length === 20, 'both groups');
      expect(a).toEqual(sent.map((m) => m.id));
      expect(b).toEqual(sent.map((m) => m.id));
    });

    it('dead-letters an invalid message with the reason and goes on with the next', async () => {
      const t = topic();
      const handled: string[] = [];
      const dead: Message[] = [];
      await bus.subscribe('dlq-reader', [deadLetterTopic(t)], async (m) => void dead.push(m));
      await bus.subscribe('group', [t], async (m) => {
        if (m.type === 'Broken') throw new InvalidMessage('amount: must be an integer');
        handled.push(m.type);
      });
      const broken = message(t, 'k', 'Broken');
      await bus.publish([broken, message(t, 'k', 'Fine')]);
      await until(() => handled.length === 1 && dead.length === 1, 'the next message and the dead letter');
      expect(handled).toEqual(['Fine']);
      expect(dead[0]).toMatchObject({ id: broken.id, type: 'Broken', deadLetter: { group: 'group', reason: 'amount: must be an integer' } });
    });

    it('acknowledges a business refusal without dead-lettering it', async () => {
      const t = topic();
      const seen: string[] = [];
      const dead: Message[] = [];
      await bus.subscribe('dlq-reader', [deadLetterTopic(t)], async (m) => void dead.push(m));
      await bus.subscribe('group', [t], async (m) => {
        seen.push(m.type);
        if (m.type === 'Refused') throw new RuleViolation('no retainage is held');
      });
      await bus.publish([message(t, 'k', 'Refused'), message(t, 'k', 'Next')]);
      await until(() => seen.length === 2, 'both messages');
      expect(seen).toEqual(['Refused', 'Next']);
      expect(dead).toEqual([]);
    });

    it('redelivers after a transient failure, and dead-letters one that keeps failing without stalling', async () => {
      const t = topic();
      let attempts = 0;
      const done: string[] = [];
      const dead: Message[] = [];
      await bus.subscribe('dlq-reader', [deadLetterTopic(t)], async (m) => void dead.push(m));
      await bus.subscribe('group', [t], async (m) => {
        if (m.type === 'Flaky' && ++attempts < 3) throw new ConcurrencyError('stream moved');
        if (m.type === 'Poison') throw new Error('database unreachable');
        done.push(m.type);
      });
      await bus.publish([message(t, 'k', 'Flaky'), message(t, 'k', 'Poison'), message(t, 'k', 'After')]);
      await until(() => done.length === 2 && dead.length === 1, 'the retried and the next message');
      expect(done).toEqual(['Flaky', 'After']);
      expect(attempts).toBe(3);
      expect(dead[0].deadLetter?.reason).toBe('database unreachable');
    });
  });
}
