import { logger } from '@billing/shared/logging';
import type { mongo } from 'mongoose';

export interface WedgeLimits {
  /**
   * A polled heartbeat still running after this long is wedged (no check can take longer); none
   * when nothing bounds a check.
   */
  heartbeatMs?: number;
  /**
   * An awaitable heartbeat (the streaming protocol: the server holds the hello) still running after
   * this long is wedged.
   */
  awaitedHeartbeatMs?: number;
  /**
   * An operation caught in an outage and still running this long after the server is back is
   * wedged.
   */
  graceMs: number;
}

/**
 * An operation given up: `unavailable`, as a server that cannot be reached (read-models
 * consumer.ts).
 */
export class MongoWedgedError extends Error {
  override readonly name = 'MongoWedgedError';
  readonly unavailable = true;
}

/**
 * The limits for a client's effective timeouts (its options and its connection string's). A check
 * opens a connection and says hello, each within connectTimeoutMS (monitor.ts, connect.ts); an
 * awaitable hello waits up to heartbeatFrequencyMS more. One connectTimeoutMS more is slack for a
 * slow server or a busy event loop, since a reconnection gives up every operation running. When
 * connections have no timeout (0) nothing bounds a check, so no heartbeat is ever taken for wedged,
 * and an operation caught in an outage is given the server selection's time instead.
 */
export function wedgeLimits({
  connectTimeoutMS,
  heartbeatFrequencyMS,
  serverSelectionTimeoutMS,
}: Pick<
  mongo.MongoOptions,
  'connectTimeoutMS' | 'heartbeatFrequencyMS' | 'serverSelectionTimeoutMS'
>): WedgeLimits {
  if (!(connectTimeoutMS > 0)) return { graceMs: serverSelectionTimeoutMS };
  return {
    heartbeatMs: 3 * connectTimeoutMS,
    awaitedHeartbeatMs: 3 * connectTimeoutMS + heartbeatFrequencyMS,
    graceMs: connectTimeoutMS,
  };
}

/**
 * The Node driver (mongodb 6.x) can wedge when the server closes its connections (a restart): a
 * command written between a socket's end and its 'close' waits for a 'drain' that never comes
 * (Connection.writeCommand). The operation never settles; if it was the monitor's heartbeat, the
 * server stays Unknown and every later operation fails server selection, for good.
 *
 * So each operation runs here: one caught in an outage and still running a grace period after the
 * server is back is given up (its connection is gone), and a heartbeat that outlasts any check
 * makes the client reconnect (every operation running is given up). A given-up operation fails
 * `unavailable` (read-models consumer.ts): the caller waits and tries again.
 */
export class WedgeGuard {
  private outages = 0;
  private readonly running = new Set<{ outage: number; giveUp(error: Error): void }>();
  /**
   * Each server's heartbeat running, by address: a replica set's members are checked each on its
   * own.
   */
  private readonly heartbeats = new Map<string, NodeJS.Timeout>();
  private reconnecting?: Promise<void>;
  private closed = false;

  constructor(private readonly client: mongo.MongoClient) {
    const limits = wedgeLimits(client.options);
    client.on('serverDescriptionChanged', ({ previousDescription, newDescription }) => {
      const [was, is] = [previousDescription.type !== 'Unknown', newDescription.type !== 'Unknown'];
      if (was && !is) this.outages++;
      const outage = this.outages;
      if (!was && is)
        setTimeout(
          () => this.giveUp((run) => run.outage < outage, 'it was caught in an outage'),
          limits.graceMs,
        ).unref();
    });
    const ended = ({ connectionId }: { connectionId: string }) => (
      clearTimeout(this.heartbeats.get(connectionId)),
      this.heartbeats.delete(connectionId)
    );
    client.on('serverHeartbeatStarted', ({ connectionId, awaited }) => {
      ended({ connectionId });
      const limitMs = awaited ? limits.awaitedHeartbeatMs : limits.heartbeatMs;
      if (limitMs !== undefined)
        this.heartbeats.set(
          connectionId,
          setTimeout(() => void this.reconnect(limitMs), limitMs).unref(),
        );
    });
    client.on('serverHeartbeatSucceeded', ended);
    client.on('serverHeartbeatFailed', ended);
  }

  /**
   * `work`'s outcome, or MongoWedgedError if it is given up; waits for a reconnection under way
   * first.
   */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.reconnecting;
    let giveUp!: (error: Error) => void;
    const givenUp = new Promise<never>((_, reject) => (giveUp = reject));
    const run = { outage: this.outages, giveUp };
    this.running.add(run);
    try {
      return await Promise.race([work(), givenUp]);
    } finally {
      this.running.delete(run);
    }
  }

  close(): void {
    this.closed = true;
    this.heartbeats.forEach((timer) => clearTimeout(timer));
    this.heartbeats.clear();
  }

  private giveUp(which: (run: { outage: number }) => boolean, why: string): void {
    const given = [...this.running].filter(which);
    if (given.length === 0) return;
    logger.warn(`gave up ${given.length} Mongo operation(s) the driver never settled: ${why}`);
    const error = new MongoWedgedError(`the Mongo driver never settled this operation: ${why}`);
    given.forEach((run) => run.giveUp(error));
  }

  /**
   * A new topology (monitor and pool) on the same client, tried every second until the server
   * answers.
   */
  private reconnect(afterMs: number): Promise<void> {
    this.reconnecting ??= (async () => {
      logger.warn(`the Mongo driver's heartbeat has run for over ${afterMs} ms: reconnecting`);
      // The new topology checks every server again.
      this.heartbeats.forEach((timer) => clearTimeout(timer));
      this.heartbeats.clear();
      this.giveUp(() => true, 'the client reconnects');
      for (let attempt = 0; !this.closed; attempt++) {
        try {
          if (attempt === 0) await this.client.close();
          await this.client.connect();
          return;
        } catch (error) {
          logger.warn(
            { err: error },
            'the Mongo client could not reconnect; trying again in a second',
          );
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      }
    })().finally(() => (this.reconnecting = undefined));
    return this.reconnecting;
  }
}
