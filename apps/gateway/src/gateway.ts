import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import helmet from 'helmet';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { pinoHttp } from 'pino-http';
import type { Server } from 'node:http';
import { httpLogOptions, requestLogContext } from '@billing/shared/logging';
import { Draining } from '@billing/shared/nest';
import type { GatewayConfig } from './config';
import { docs } from './docs';
import { readiness, refusals } from './fan-out';
import { routesOf, SERVICES, type Service } from './routes';

const problem = (response: Response, status: number, title: string, detail: string) =>
  void response
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title, status, detail }));

/** A service (or the services a fan-out asks) did not answer: try again shortly. */
const unavailable = (response: Response, detail: string) =>
  problem(response.setHeader('Retry-After', '1'), 503, 'Service Unavailable', detail);

/**
 * The one HTTP entry point of the distributed mode: the route table sends each request to the
 * service that owns it, streaming bodies both ways untouched (headers such as Idempotency-Key and
 * X-Tenant-Id pass through). A service that does not answer is a 503 with Retry-After, as a service
 * answers while a server it needs is away: a client retries either the same way (with its
 * Idempotency-Key). Its own answers carry the security headers (helmet) the services' carry.
 */
export function createGateway(
  { upstreams, trustedProxies = [] }: GatewayConfig,
  /** Begun by `shutDown`: as a service drains (draining.ts). */
  draining = new Draining(),
): Express {
  const app = express();
  app.use(draining.middleware);
  // Behind a load balancer named here, the client is the one it forwards.
  if (trustedProxies.length > 0) app.set('trust proxy', trustedProxies);
  app.disable('x-powered-by');
  app.use(helmet());
  // One JSON line per request, with the X-Correlation-Id the services record (forwarded untouched).
  app.use(requestLogContext, pinoHttp(httpLogOptions()));
  const proxies = Object.fromEntries(
    SERVICES.map((service) => [service, proxyTo(service, upstreams[service])]),
  ) as Record<Service, RequestHandler>;
  app.get(
    ['/health', '/health/live'],
    (_request, response) => void response.json({ status: 'ok' }),
  );
  app.get(
    '/health/ready',
    (_request, response, next) =>
      void readiness(upstreams).then(
        ({ status, services }) =>
          response.status(status === 'error' ? 503 : 200).json({ status, services }),
        next,
      ),
  );
  app.get(
    '/refusals',
    (request, response, next) => void refusals(request, response, upstreams).catch(next),
  );
  app.use(docs(upstreams));
  app.use((request: Request, response: Response, next: NextFunction) => {
    const [route] = routesOf(request.method, request.path);
    // A path some service takes by another method: 405 with Allow, as a service answers it.
    const allowed = ['GET', 'HEAD', 'POST'].filter(
      (method) => routesOf(method === 'HEAD' ? 'GET' : method, request.path).length > 0,
    );
    if (!route && allowed.length > 0)
      return problem(
        response.setHeader('Allow', allowed.join(', ')),
        405,
        'Method Not Allowed',
        `${allowed.join(', ')} only on this path`,
      );
    if (!route)
      return problem(
        response,
        404,
        'Not Found',
        `no service answers ${request.method} ${request.path}`,
      );
    return proxies[route.service](request, response, next);
  });
  app.use((error: Error, _request: Request, response: Response, _next: NextFunction) =>
    unavailable(response, error.message),
  );
  return app;
}

function proxyTo(service: Service, target: string): RequestHandler {
  return createProxyMiddleware({
    target,
    xfwd: true,
    proxyTimeout: 60_000,
    on: {
      // The client as this gateway sees it (its peer, or the client a proxy in TRUSTED_PROXIES
      // forwards), alone: an X-Forwarded-For a client sent is not passed on (the services trust
      // this header from the gateway only, to count changes per address).
      proxyReq: (proxyRequest, request) =>
        proxyRequest.setHeader('x-forwarded-for', (request as Request).ip ?? 'unknown'),
      error: (error, _request, response) => {
        const cause = `the ${service} service did not answer (${error.message})`;
        // pino-http logs the request with this error instead of "failed with status code 503".
        Object.assign(response, { err: new Error(cause) });
        if ('headersSent' in response && !response.headersSent)
          unavailable(response as Response, cause);
        else response.destroy();
      },
    },
  }) as RequestHandler;
}

/** How long a shutdown waits for the requests in flight before it ends their connections. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The gateway's shutdown, as a service's: no new connection, the idle ones closed, the answers in
 * flight finished and their connections ended, a request arriving meanwhile a 503 that did not
 * reach a service; after `graceMs` whatever is left is cut. Resolves once the server has closed.
 */
export function shutDown(
  server: Server,
  draining: Draining,
  graceMs = SHUTDOWN_GRACE_MS,
): Promise<void> {
  draining.onModuleDestroy();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const cut = setTimeout(() => server.closeAllConnections(), graceMs).unref();
  return closed.finally(() => clearTimeout(cut));
}
