import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import { logger, withLogContext } from './logger';

/**
 * pino-http on the process's logger, as every HTTP entry point logs: one line per answered request,
 * without headers (they carry bearer tokens), none for health probes, an error for a 5xx.
 */
export function httpLogOptions(): Options {
  return {
    logger,
    quietReqLogger: true,
    autoLogging: { ignore: (request) => (request.url ?? '').startsWith('/health') },
    // A 503 is a server away that the caller is told to retry (Retry-After): a warning, expected
    // while a broker, a database or a service restarts, not an error with its stack each time.
    customLogLevel: (_request, response, error) =>
      response.statusCode === 503 ? 'warn' : error || response.statusCode >= 500 ? 'error' : 'info',
    serializers: {
      req: (request: IncomingMessage & { id?: unknown }) => ({
        id: request.id,
        method: request.method,
        url: request.url,
      }),
      res: (response: ServerResponse) => ({ statusCode: response.statusCode }),
    },
  };
}

/**
 * Opens a request's log context with the correlation id the caller sent (X-Correlation-Id), if any.
 */
export function requestLogContext(
  request: IncomingMessage,
  _response: ServerResponse,
  next: () => void,
): void {
  const header = request.headers['x-correlation-id'];
  withLogContext(
    { correlationId: (Array.isArray(header) ? header[0] : header)?.trim() || undefined },
    next,
  );
}
