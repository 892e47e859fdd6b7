import { ArgumentsHost, BadRequestException, Catch, HttpException, Logger, ValidationPipe, type ExceptionFilter, type ValidationError as FieldError } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, type ErrorCategory } from '@billing/shared/kernel';

const STATUS: Record<ErrorCategory, number> = { validation: 400, not_found: 404, illegal_state: 409, rule: 422, concurrency: 409 };
const TITLE: Record<ErrorCategory, string> = {
  validation: 'Invalid request',
  not_found: 'Not found',
  illegal_state: 'Not allowed in the current state',
  rule: 'A billing rule forbids this',
  concurrency: 'Concurrent change',
};

/** Errors as RFC 9457 Problem Details. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const send = (status: number, body: Record<string, unknown>) =>
      response
        .status(status)
        .type('application/problem+json')
        .json({ status, ...body });
    if (error instanceof DomainError)
      return void send(STATUS[error.category], { type: `urn:billing:${error.category}`, title: TITLE[error.category], detail: error.message, ...error.details });
    if (error instanceof HttpException) {
      const payload = error.getResponse();
      return void send(error.getStatus(), { title: error.message, ...(typeof payload === 'object' ? payload : { detail: payload }) });
    }
    this.logger.error(error instanceof Error ? error.stack : String(error));
    send(500, { title: 'Internal error', detail: 'the request failed; nothing was written unless a retry shows it' });
  }
}

/** class-validator errors as one 400 naming every bad field (nested fields by dotted path). */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) =>
      new BadRequestException({ type: 'urn:billing:validation', title: TITLE.validation, detail: 'the request has invalid fields', errors: flatten(errors) }),
  });
}

function flatten(errors: FieldError[], prefix = ''): { field: string; messages: string[] }[] {
  return errors.flatMap((error) => {
    const field = `${prefix}${error.property}`;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], `${field}.`)];
  });
}
