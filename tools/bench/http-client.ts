import { Agent, request } from 'node:http';

export interface HttpReply {
  status: number;
  body: any;
}

/**
 * JSON over HTTP/1.1 keep-alive: the load generator reuses its connections, as a real client pool
 * would.
 */
export class HttpClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    maxSockets = 256,
    /** Sent as `Authorization: Bearer` (the app runs with authentication on, as npm start does). */
    private readonly token?: string,
  ) {
    // An idle connection is closed here after 4 s, before the server's 5 s keep-alive timeout
    // closes it under a request being sent on it (which fails with ECONNRESET). Only idle sockets
    // time out.
    this.agent = new Agent({ keepAlive: true, maxSockets, timeout: 4_000 });
  }

  get(path: string): Promise<HttpReply> {
    return this.call('GET', path);
  }

  post(path: string, body: unknown = {}): Promise<HttpReply> {
    return this.call('POST', path, JSON.stringify(body));
  }

  close(): void {
    this.agent.destroy();
  }

  private call(method: string, path: string, payload?: string): Promise<HttpReply> {
    const headers: Record<string, string | number> = {
      accept: 'application/json',
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
    };
    if (payload !== undefined)
      Object.assign(headers, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      });
    return new Promise((resolve) => {
      const req = request(
        `${this.baseUrl}${path}`,
        { method, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, body: text ? parse(text) : undefined });
          });
          res.on('error', (error: NodeJS.ErrnoException) =>
            resolve({ status: 0, body: { title: error.code ?? error.message } }),
          );
        },
      );
      // No answer (refused, reset): status 0, with the reason as the title, like a Problem Details
      // body.
      req.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ status: 0, body: { title: error.code ?? error.message } }),
      );
      req.end(payload);
    });
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The body of a 2xx reply, or an error naming the call and the answer. */
export async function ok(reply: Promise<HttpReply>, what: string): Promise<any> {
  const { status, body } = await reply;
  if (status < 200 || status >= 300)
    throw new Error(`${what}: ${status} ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}
