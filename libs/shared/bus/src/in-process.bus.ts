import { deadLetterTopic, type Bus, type Consumer, type Message, type MessageHandler } from './bus.port';
import { consumeOne } from './consume';

interface Group {
  name: string;
  topics: Set<string>;
  queue: Message[];
  handler: MessageHandler;
  busy: boolean;
  stopped: boolean;
}

/** The embedded bus: consumer groups with an in-memory queue each. Not durable: the relays republish from the event store at boot. */
export class InProcessBus implements Bus {
  private readonly groups = new Map<string, Group>();

  async publish(messages: readonly Message[]): Promise<void> {
    for (const group of this.groups.values()) {
      const wanted = messages.filter((message) => group.topics.has(message.topic));
      if (wanted.length === 0) continue;
      group.queue.push(...structuredClone(wanted));
      void this.drain(group);
    }
  }

  async subscribe(name: string, topics: readonly string[], handler: MessageHandler): Promise<Consumer> {
    if (this.groups.has(name)) throw new Error(`consumer group ${name} is already subscribed`);
    const group: Group = { name, topics: new Set(topics), queue: [], handler, busy: false, stopped: false };
    this.groups.set(name, group);
    return {
      stop: async () => {
        group.stopped = true;
        this.groups.delete(name);
        while (group.busy) await new Promise((resolve) => setTimeout(resolve, 5));
      },
    };
  }

  /** True when no group has a message queued or in hand. */
  isIdle(): boolean {
    return [...this.groups.values()].every((group) => !group.busy && group.queue.length === 0);
  }

  async close(): Promise<void> {
    for (const group of this.groups.values()) group.stopped = true;
  }

  private async drain(group: Group): Promise<void> {
    if (group.busy) return;
    group.busy = true;
    try {
      while (!group.stopped && group.queue.length > 0) {
        const message = group.queue[0];
        const outcome = await consumeOne(message, group.handler);
        if (outcome.kind === 'dead') {
          console.error(`${group.name} dead-lettered ${message.type} ${message.id}: ${outcome.reason}`);
          await this.publish([{ ...message, topic: deadLetterTopic(message.topic), deadLetter: { group: group.name, reason: outcome.reason } }]);
        }
        group.queue.shift();
      }
    } finally {
      group.busy = false;
    }
  }
}
