import type { INestApplication, LoggerService } from '@nestjs/common';
import type { Request } from 'express';
import { Logger, LoggerModule } from 'nestjs-pino';
import { httpLogOptions } from '@billing/shared/logging';
import type { RequestContext } from './command-context';

/**
 * nestjs-pino on the process's logger: a JSON line per answered request (pino-http), and Nest's own
 * logger writing through it. The request's log context is opened by `requestLogContext`
 * (configureHttp) and completed with the tenant and correlation id by CommandContextInterceptor.
 */
export function loggingModule() {
  return LoggerModule.forRoot({
    pinoHttp: {
      ...httpLogOptions(),
      // The answer's line is written when the response ends: from the command context, whatever
      // async context that is.
      customProps: (request) => {
        const context = (request as Request & { commandContext?: RequestContext }).commandContext;
        return context ? { correlationId: context.correlationId, tenantId: context.tenantId } : {};
      },
    },
  });
}

/**
 * Nest's own lines (with `bufferLogs`, those of the boot too) as JSON through pino. Its `log` level
 * is boot chatter (each module initialized, each route mapped): written at debug, not info.
 */
export function useJsonLogger(app: INestApplication): void {
  const pino = app.get(Logger);
  const nest: LoggerService = {
    fatal: (message: unknown, ...rest: unknown[]) => pino.fatal(message, ...rest),
    error: (message: unknown, ...rest: unknown[]) => pino.error(message, ...rest),
    warn: (message: unknown, ...rest: unknown[]) => pino.warn(message, ...rest),
    log: (message: unknown, ...rest: unknown[]) => pino.debug(message, ...rest),
    debug: (message: unknown, ...rest: unknown[]) => pino.debug(message, ...rest),
    verbose: (message: unknown, ...rest: unknown[]) => pino.verbose(message, ...rest),
  };
  app.useLogger(nest);
}
