export interface Reply<T = any> {
  status: number;
  body: T;
  headers?: Record<string, string>;
}

/** The few HTTP calls the scenario makes; over fetch for the demo, over supertest in tests. */
export interface Client {
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  get<T = any>(path: string, headers?: Record<string, string>): Promise<Reply<T>>;
  /** How long `waitFor` polls for a reaction through this client (default 10 s). */
  waitMs?: number;
}

/** Over fetch, with `Authorization: Bearer <token>` when given one (the demo's, a test's). */
export function fetchClient(baseUrl: string, token?: string): Client {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : undefined,
      headers: Object.fromEntries(response.headers),
    };
  };
  return {
    post: (path, body, headers) => call('POST', path, body ?? {}, headers),
    get: (path, headers) => call('GET', path, undefined, headers),
  };
}

/**
 * Asks again, after its Retry-After, what a service answers 503 to (a server it needs cannot be
 * reached now) or gives no answer to (its connection refused or dropped: a process restarting), as
 * a client of the API should, for up to `timeoutMs`: every GET, and every POST that carries an
 * Idempotency-Key (asking again replays the first answer, or runs the command once).
 */
export function retryingUnavailable(client: Client, timeoutMs = client.waitMs ?? 10_000): Client {
  const retried = async <T>(call: () => Promise<Reply<T>>): Promise<Reply<T>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reply = await call().catch((error: unknown) => {
        if (!unanswered(error) || Date.now() > deadline) throw error;
        return undefined;
      });
      if (reply && (reply.status !== 503 || Date.now() > deadline)) return reply;
      await new Promise((resolve) =>
        setTimeout(resolve, 1_000 * Number(reply?.headers?.['retry-after'] ?? 1)),
      );
    }
  };
  return {
    get: (path, headers) => retried(() => client.get(path, headers)),
    post: (path, body, headers = {}) =>
      Object.keys(headers).some((name) => name.toLowerCase() === 'idempotency-key')
        ? retried(() => client.post(path, body, headers))
        : client.post(path, body, headers),
    waitMs: client.waitMs,
  };
}

/**
 * fetch's failure to get any answer (refused, reset, closed), or the whole of one (`terminated`: the
 * connection dropped within the body): not an answer of the server.
 */
const unanswered = (error: unknown) =>
  error instanceof TypeError && ['fetch failed', 'terminated'].includes(error.message);

export async function expectOk<T>(reply: Promise<Reply<T>>, what: string): Promise<T> {
  const { status, body } = await reply;
  if (status >= 300) throw new Error(`${what} failed with ${status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * Reactions run after the command that caused them: poll a read model until it shows the outcome.
 */
export async function waitFor<T>(
  client: Client,
  path: string,
  ready: (body: T) => boolean,
  what: string,
  timeoutMs = client.waitMs ?? 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await client.get<T>(path);
    if (reply.status === 200 && ready(reply.body)) return reply.body;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what} (last: ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
