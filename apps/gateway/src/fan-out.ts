import type { Request, Response } from 'express';
import { SERVICES, type Service } from './routes';

const PAGE_MAX = 1000;
/**
 * Each service verifies the token itself (it trusts no gateway); X-Tenant-Id and X-Actor for
 * AUTH=off, where they name the caller.
 */
const FORWARDED = ['authorization', 'x-tenant-id', 'x-actor', 'x-correlation-id'];

const headersOf = (request: Request) =>
  Object.fromEntries(
    FORWARDED.flatMap((name) =>
      request.headers[name] ? [[name, String(request.headers[name])]] : [],
    ),
  );

/**
 * `GET /refusals` holds each service's refused reactions: the gateway asks all four for the first
 * `offset + limit`, merges them oldest first (as each orders its own: by the time the message
 * occurred, then its id and the consumer) and answers the page asked for.
 */
export async function refusals(
  request: Request,
  response: Response,
  upstreams: Record<Service, string>,
): Promise<void> {
  const query = new URLSearchParams(request.url.split('?')[1] ?? '');
  const limit = Number(query.get('limit') ?? 100);
  const offset = Number(query.get('offset') ?? 0);
  query.set(
    'limit',
    String(
      Math.min(
        PAGE_MAX,
        (Number.isInteger(limit) ? limit : 0) + (Number.isInteger(offset) ? offset : 0),
      ),
    ),
  );
  query.set('offset', '0');
  const answers = await Promise.all(
    SERVICES.map((service) =>
      fetch(`${upstreams[service]}/refusals?${query.toString()}`, { headers: headersOf(request) }),
    ),
  );
  // A page the services refuse (a limit out of range, a contractId that is not a UUID) is refused
  // as they refuse it.
  const refused = answers.find((answer) => answer.status !== 200);
  if (refused) {
    // With the headers that say what to do next (a 401's WWW-Authenticate, a 429's or 503's
    // Retry-After).
    for (const name of ['www-authenticate', 'retry-after'])
      if (refused.headers.has(name)) response.setHeader(name, refused.headers.get(name)!);
    response
      .status(refused.status)
      .type(refused.headers.get('content-type') ?? 'application/json')
      .send(await refused.text());
    return;
  }
  type Refusal = { occurredAt: string; messageId: string; consumer: string };
  const pages = (await Promise.all(answers.map((answer) => answer.json()))) as Refusal[][];
  const total = answers.reduce(
    (sum, answer) => sum + Number(answer.headers.get('x-total-count') ?? 0),
    0,
  );
  const key = (refusal: Refusal) =>
    `${refusal.occurredAt}/${refusal.messageId}/${refusal.consumer}`;
  const merged = pages.flat().sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  response.setHeader('X-Total-Count', String(total));
  response.json(merged.slice(offset, offset + limit));
}

type Check = { status: 'up' | 'degraded' | 'down'; answer?: unknown; message?: string };

/**
 * Ready when every service is: each one's readiness, as it answered. A service that answers ready
 * but degraded (its bus down, an event parked) makes the gateway's answer degraded too (200).
 */
export async function readiness(
  upstreams: Record<Service, string>,
): Promise<{ status: 'ok' | 'degraded' | 'error'; services: Record<string, unknown> }> {
  const checks = await Promise.all(
    SERVICES.map(async (service) => {
      try {
        const answer = await fetch(`${upstreams[service]}/health/ready`, {
          signal: AbortSignal.timeout(5_000),
        });
        const body = (await answer.json()) as { status?: unknown };
        const check: Check = {
          status: answer.status !== 200 ? 'down' : body.status === 'ok' ? 'up' : 'degraded',
          answer: body,
        };
        return [service, check] as const;
      } catch (error) {
        const check: Check = {
          status: 'down',
          // Not its address: readiness is open to anyone who reaches the port.
          message: `unreachable: ${(error as Error).message}`,
        };
        return [service, check] as const;
      }
    }),
  );
  const statuses = checks.map(([, check]) => check.status);
  return {
    status: statuses.includes('down') ? 'error' : statuses.includes('degraded') ? 'degraded' : 'ok',
    services: Object.fromEntries(checks),
  };
}
