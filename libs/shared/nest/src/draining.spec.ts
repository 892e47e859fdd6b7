import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { Draining } from './draining';

/** What the middleware and sendProblem use of a response. */
function response() {
  const sent: { status?: number; type?: string; body?: unknown } = {};
  const headers: Record<string, string> = {};
  const fake = Object.assign(new EventEmitter(), {
    headersSent: false,
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value),
    status(status: number) {
      sent.status = status;
      return this;
    },
    type(type: string) {
      sent.type = type;
      return this;
    },
    json: (body: unknown) => void (sent.body = body),
  });
  return { fake: fake as unknown as Response, emitter: fake, sent, headers };
}

describe('Draining, the first step of the shutdown', () => {
  it('lets requests through, then ends the connections of those in flight and answers any other 503 without running it', () => {
    const draining = new Draining();
    const [first, second] = [response(), response()];
    const next = jest.fn();
    draining.middleware({} as Request, first.fake, next);
    expect(next).toHaveBeenCalledTimes(1);

    draining.onModuleDestroy();
    expect(first.headers.connection).toBe('close');

    draining.middleware({} as Request, second.fake, next);
    expect(next).toHaveBeenCalledTimes(1);
    expect([second.sent, second.headers]).toEqual([
      {
        status: 503,
        type: 'application/problem+json',
        body: {
          type: 'urn:billing:shutting-down',
          title: 'Shutting down',
          detail: 'the service is shutting down and takes no new request: send it again',
          status: 503,
        },
      },
      { connection: 'close', 'retry-after': '1' },
    ]);
  });

  it('forgets a response once its connection closed', () => {
    const draining = new Draining();
    const answered = response();
    draining.middleware({} as Request, answered.fake, jest.fn());
    answered.emitter.emit('close');
    answered.emitter.removeAllListeners();
    draining.onModuleDestroy();
    expect(answered.headers.connection).toBeUndefined();
  });
});
