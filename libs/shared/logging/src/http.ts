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
 * What an X-Correlation-Id may carry to be recorded, logged and looked up (`GET /audit/flows/…`):
 * 1 to 200 printable ASCII characters without spaces (a GUID in braces, `uuid#n`, `a/b` too).
 */
export const CORRELATION_ID_PATTERN = '^[\\x21-\\x7e]{1,200}$';
const CORRELATION_ID = new RegExp(CORRELATION_ID_PATTERN);

/** The X-Correlation-Id a request carries, when it is one (a read logs no other). */
export function correlationIdOf(request: IncomingMessage): string | undefined {
  const header = request.headers['x-correlation-id'];
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  return value && CORRELATION_ID.test(value) ? value : undefined;
}

/**
 * Opens a request's log context with the correlation id the caller sent (X-Correlation-Id), if it
 * is one.
 */
export function requestLogContext(
  request: IncomingMessage,
  _response: ServerResponse,
  next: () => void,
): void {
  withLogContext({ correlationId: correlationIdOf(request) }, next);
}
