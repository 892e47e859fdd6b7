import type { Client } from '@billing/shared/testing';
import { ProcessDied } from './cut';

/**
 * Where to kill: once the answer to the n-th POST arrived, or `inFlightMs` after sending it without
 * waiting for the answer.
 */
export interface KillPoint {
  post: number;
  inFlightMs?: number;
  /** This long after the answer arrived: its reactions in flight. */
  afterAnswerMs?: number;
}

export const describePoint = ({ post, inFlightMs, afterAnswerMs }: KillPoint) =>
  inFlightMs !== undefined
    ? `${inFlightMs} ms into POST ${post}`
    : afterAnswerMs !== undefined
      ? `${afterAnswerMs} ms after the answer to POST ${post}`
      : `after POST ${post}`;

/** A client that kills the process at a POST; the scenario then stops with ProcessDied. */
export function killingClient(client: Client, point: KillPoint, kill: () => Promise<void>): Client {
  let posts = 0;
  return {
    get: (path, headers) => client.get(path, headers),
    post: async (path, body, headers) => {
      if (++posts !== point.post) return client.post(path, body, headers);
      const reply = client.post(path, body, headers);
      if (point.inFlightMs === undefined) {
        await reply;
        if (point.afterAnswerMs !== undefined)
          await new Promise((resolve) => setTimeout(resolve, point.afterAnswerMs));
      } else {
        reply.catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, point.inFlightMs));
      }
      await kill();
      throw new ProcessDied();
    },
  };
}
