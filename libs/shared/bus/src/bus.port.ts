/** An integration event as it travels between services. */
export interface Message<D = unknown> {
  id: string;
  type: string;
  schemaVersion: number;
  topic: string;
  /** Aggregate id: one aggregate's messages stay in order. */
  key: string;
  data: D;
  tenantId: string;
  correlationId: string;
  causationId: string;
  actor: string;
  occurredAt: string;
  /** Set on the copy published to a dead-letter topic: which group gave up on it, and why. */
  deadLetter?: { group: string; reason: string };
}

export type MessageHandler = (message: Message) => Promise<void>;

export interface Consumer {
  stop(): Promise<void>;
}

export interface Bus {
  publish(messages: readonly Message[]): Promise<void>;
  /** Each group gets every message of its topics once (at least once on failures); handlers run one at a time. */
  subscribe(group: string, topics: readonly string[], handler: MessageHandler): Promise<Consumer>;
  close(): Promise<void>;
}

export const deadLetterTopic = (topic: string) => `${topic}.dlq`;
