import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { pinoHttp } from 'pino-http';
import { httpLogOptions, requestLogContext } from '@billing/shared/logging';
import type { GatewayConfig } from './config';
import { docs } from './docs';
import { readiness, refusals } from './fan-out';
import { routesOf, SERVICES, type Service } from './routes';

const problem = (response: Response, status: number, title: string, detail: string) =>
  void response
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title, status, detail }));

/**
 * The one HTTP entry point of the distributed mode: the route table sends each request to the
 * service that owns it, streaming bodies both ways untouched (headers such as Idempotency-Key and
 * X-Tenant-Id pass through). A service that does not answer is a 502.
 */
export function createGateway({ upstreams }: GatewayConfig): Express {
  const app = express();
  app.disable('x-powered-by');
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
    problem(response, 502, 'Bad Gateway', error.message),
  );
  return app;
}

function proxyTo(service: Service, target: string): RequestHandler {
  return createProxyMiddleware({
    target,
    xfwd: true,
    proxyTimeout: 60_000,
    on: {
      error: (error, _request, response) => {
        const cause = `the ${service} service did not answer (${error.message})`;
        // pino-http logs the request with this error instead of "failed with status code 502".
        Object.assign(response, { err: new Error(cause) });
        if ('headersSent' in response && !response.headersSent)
          problem(response as Response, 502, 'Bad Gateway', cause);
        else response.destroy();
      },
    },
  }) as RequestHandler;
}
