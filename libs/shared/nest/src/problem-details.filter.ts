import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { METHODS, STATUS_CODES } from 'node:http';
import { DomainError, type ErrorCategory } from '@billing/shared/kernel';
import { IdempotencyKeyReused, StoreUnavailableError } from '@billing/shared/event-store';
import { isUnavailable } from '@billing/shared/read-models';

const STATUS: Record<ErrorCategory, number> = {
  validation: 400,
  not_found: 404,
  illegal_state: 409,
  rule: 422,
  concurrency: 409,
};
export const TITLE: Record<ErrorCategory, string> = {
  validation: 'Invalid request',
  not_found: 'Not found',
  illegal_state: 'Not allowed in the current state',
  rule: 'A billing rule forbids this',
  concurrency: 'Concurrent change',
};

/**
 * An RFC 9457 Problem Details document: `type`, `title`, `status`, `detail`, and `errors` naming
 * every bad field.
 */
export interface Problem {
  type: string;
  title: string;
  detail: string;
  errors?: { field: string; messages: string[] }[];
  [extension: string]: unknown;
}

export function sendProblem(
  response: Response,
  status: number,
  problem: Problem,
  headers: Record<string, string> = {},
): void {
  Object.entries(headers).forEach(([name, value]) => response.setHeader(name, value));
  response
    .status(status)
    .type('application/problem+json')
    .json({ ...problem, status });
}

/** Every error, ours or the framework's, as Problem Details; nothing internal leaks. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof DomainError)
      return sendProblem(
        response,
        STATUS[error.category],
        {
          type: `urn:billing:${error.category}`,
          title: TITLE[error.category],
          detail: error.message,
          ...error.details,
        },
        // A stream that kept changing under the command: the same request may pass in a moment.
        error.category === 'concurrency' ? { 'Retry-After': '1' } : {},
      );
    if (error instanceof IdempotencyKeyReused)
      return sendProblem(response, 422, {
        type: 'urn:billing:idempotency-422',
        title: 'Idempotency-Key reused',
        detail: error.message,
      });
    if (error instanceof StoreUnavailableError)
      return sendProblem(
        response,
        503,
        { type: 'urn:billing:unavailable', title: 'Busy, try again', detail: error.message },
        { 'Retry-After': '1' },
      );
    if (error instanceof HttpException) {
      const allowed =
        error.getStatus() === 404 ? otherMethods(host.switchToHttp().getRequest()) : [];
      if (allowed.length > 0)
        return sendProblem(
          response,
          405,
          {
            type: 'urn:billing:http-405',
            title: 'Method Not Allowed',
            detail: `${allowed.join(', ')} only on this path`,
          },
          { Allow: allowed.join(', ') },
        );
      return sendProblem(response, error.getStatus(), fromHttpException(error));
    }
    // A read-model server (Mongo) that cannot be reached now, a full disk: the caller may try
    // again; what it says stays in the log. A damaged file does not heal by waiting: a 500 below.
    if (isUnavailable(error) && !damaged(error)) {
      this.logger.warn(
        `a server the request needs cannot be reached: ${error instanceof Error ? error.message : String(error)}`,
      );
      return sendProblem(
        response,
        503,
        {
          type: 'urn:billing:unavailable',
          title: 'Busy, try again',
          detail: unavailableDetail(error),
        },
        { 'Retry-After': '1' },
      );
    }
    this.logger.error(error instanceof Error ? error.stack : String(error));
    sendProblem(response, 500, {
      type: 'urn:billing:internal',
      title: 'Internal error',
      detail: 'the request failed; nothing was written unless a retry shows it',
    });
  }
}

/** What the operator has to see to: the disk under the data folder, or a server. */
function unavailableDetail(error: unknown): string {
  const { code } = (error ?? {}) as { code?: unknown };
  if (typeof code !== 'string') return 'a server this service needs cannot be reached now';
  if (code === 'SQLITE_FULL')
    return 'the disk that holds the data is full: nothing was written; send it again once space is freed';
  if (code.startsWith('SQLITE_IOERR'))
    return 'the data folder cannot be written now (an I/O error): nothing was written';
  if (code.startsWith('SQLITE_READONLY'))
    return 'the data cannot be written (its file or folder is read-only): nothing was written';
  if (code.startsWith('SQLITE_CANTOPEN'))
    return 'the data file cannot be opened now: nothing was written';
  return 'a server this service needs cannot be reached now';
}

interface RouteLayer {
  route?: { methods: Record<string, boolean> };
  match(path: string): boolean;
}

/**
 * The methods the routes of a path no route answered for its method take (RFC 9110: a 405 with
 * `Allow`, not a 404, when the path is there); none when no route has the path.
 */
function otherMethods(request: Request): string[] {
  const router = (request.app as unknown as { router?: { stack: RouteLayer[] } }).router;
  const methods = new Set<string>();
  for (const layer of router?.stack ?? [])
    if (layer.route && !forEveryMethod(layer.route) && layer.match(request.path))
      for (const [method, on] of Object.entries(layer.route.methods))
        if (on && method !== '_all') methods.add(method.toUpperCase());
  if (methods.has('GET')) methods.add('HEAD');
  // A route of its own method answered (and said 404 itself): not a method the path lacks.
  return methods.has(request.method) ? [] : [...methods].sort();
}

/**
 * A route Express registered for every method (`app.all`: how Nest mounts a middleware for every
 * path, nestjs-pino's request log among them): it takes no method of its own.
 */
const forEveryMethod = (route: { methods: Record<string, boolean> }) =>
  METHODS.every((method) => route.methods[method.toLowerCase()]);

function fromHttpException(error: HttpException): Problem {
  const status = error.getStatus();
  const payload = error.getResponse();
  if (typeof payload === 'object' && payload !== null && 'type' in payload)
    return payload as Problem;
  const message =
    typeof payload === 'string' ? payload : (payload as { message?: unknown }).message;
  const detail = Array.isArray(message)
    ? message.join('; ')
    : typeof message === 'string'
      ? message
      : error.message;
  return { type: `urn:billing:http-${status}`, title: STATUS_CODES[status] ?? 'Error', detail };
}

/** SQLite found its file damaged or not a database: an operator's matter (README), not a retry. */
function damaged(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code);
}
