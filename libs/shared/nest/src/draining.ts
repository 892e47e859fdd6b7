import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { logger } from '@billing/shared/logging';
import { sendProblem } from './problem-details.filter';

/**
 * The shutdown's first step. Closing the server stops new connections only: a busy client's
 * kept-alive connections would go on bringing requests for as long as it sends them. From the
 * moment the shutdown begins, a response still being written ends its connection, and a request
 * that arrives on one still open is answered 503 (`Connection: close`, `Retry-After`) without
 * running: the client sends it again, to another instance or to this one once it is back.
 */
@Injectable()
export class Draining implements OnModuleDestroy {
  private draining = false;
  private readonly inFlight = new Set<Response>();

  readonly middleware = (_request: Request, response: Response, next: NextFunction): void => {
    if (this.draining) {
      response.setHeader('Connection', 'close');
      return sendProblem(
        response,
        503,
        {
          type: 'urn:billing:shutting-down',
          title: 'Shutting down',
          detail: 'the service is shutting down and takes no new request: send it again',
        },
        { 'Retry-After': '1' },
      );
    }
    this.inFlight.add(response);
    response.on('close', () => this.inFlight.delete(response));
    next();
  };

  onModuleDestroy(): void {
    this.draining = true;
    logger.info(
      `shutting down: no new request is taken; finishing the ${this.inFlight.size} in flight`,
    );
    for (const response of this.inFlight)
      if (!response.headersSent) response.setHeader('Connection', 'close');
  }
}
