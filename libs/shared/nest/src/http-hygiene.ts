import { createHash } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Application, NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { sendProblem } from './problem-details.filter';
import type { HttpConfig } from './security-config';

/** Answers a browser may read across origins besides the CORS-safelisted ones. */
const EXPOSED = [
  'X-Total-Count',
  'Link',
  'X-Correlation-Id',
  'Billing-Degraded',
  'Idempotent-Replayed',
  'Location',
  'Retry-After',
  'WWW-Authenticate',
];

/**
 * The browser-facing rules (issue 8 item 5), before anything reads the body: in production the Host
 * header must name a configured public host (a DNS-rebound page cannot reach the API by another
 * name); security headers (helmet); CORS only for the configured origins (none by default, so a
 * browser refuses every cross-origin call).
 */
export function applyHttpHygiene(
  app: INestApplication,
  { production, publicHosts, corsOrigins, trustedProxies }: HttpConfig,
): void {
  // The client's address behind the gateway (the throttle counts per address), never a header a
  // client sent straight to the service.
  if (trustedProxies.length > 0)
    (app.getHttpAdapter().getInstance() as Application).set('trust proxy', trustedProxies);
  if (production) app.use(hostCheck(publicHosts));
  app.use(helmet());
  app.use(caching);
  if (corsOrigins.length > 0)
    app.enableCors({
      origin: corsOrigins,
      methods: ['GET', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Correlation-Id'],
      exposedHeaders: EXPOSED,
      maxAge: 600,
    });
}

/**
 * A tenant's figures are for its own callers: no shared cache keeps them (`private`), a client's
 * revalidates (`no-cache`: the ETag Express sends answers 304 while nothing changed), and what
 * `Accept` chose (JSON or CSV, JSON lines) is kept apart per `Accept`. A page's ETag covers its
 * total too (`X-Total-Count`): Express hashes the body alone, and a page whose items stayed the
 * same while the list grew would be a 304 with the total it had.
 */
function caching(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Cache-Control', 'private, no-cache');
  response.vary('Accept');
  const send = response.send.bind(response);
  response.send = (body?: unknown) => {
    const total = response.getHeader('X-Total-Count');
    if (
      total !== undefined &&
      !response.getHeader('ETag') &&
      (typeof body === 'string' || Buffer.isBuffer(body))
    )
      response.setHeader(
        'ETag',
        `W/"${createHash('sha1')
          .update(`${String(total)}\n`)
          .update(body)
          .digest('base64url')}"`,
      );
    return send(body);
  };
  next();
}

/** Liveness and readiness stay reachable by address (orchestrators' probes call them so). */
function hostCheck(publicHosts: string[]) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const host = (request.header('host') ?? '').toLowerCase().replace(/:\d+$/, '');
    if (publicHosts.includes(host) || request.path.startsWith('/health/')) return next();
    sendProblem(response, 400, {
      type: 'urn:billing:host',
      title: 'Unknown host',
      detail: 'the Host header does not name this service (PUBLIC_HOST)',
    });
  };
}
