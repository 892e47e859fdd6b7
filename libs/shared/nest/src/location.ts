import {
  applyDecorators,
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiCreatedResponse, type ApiResponseOptions } from '@nestjs/swagger';
import type { Response } from 'express';
import { tap, type Observable } from 'rxjs';

const LOCATE = Symbol('locate');

const LOCATION_HEADER = {
  Location: {
    description: 'The path of what was created (also on a replay)',
    schema: { type: 'string' },
  },
};

/** The created resource's path, from the answer. */
type Locate = (answer: never) => string;

/**
 * The operation's 201, which answers `Location: <the created resource's path>` (RFC 9110 §15.3.2)
 * worked out from its answer: the first run and a replay of it (Idempotency-Key) name the same.
 */
export const Creates = (response: ApiResponseOptions, locate: Locate) =>
  applyDecorators(
    ApiCreatedResponse({ ...response, headers: LOCATION_HEADER }),
    SetMetadata(LOCATE, locate),
  );

/** Sets `Location` on a 201 of an operation marked `@Creates`; outermost of the interceptors. */
@Injectable()
export class LocationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const locate = this.reflector.get<Locate | undefined>(LOCATE, context.getHandler());
    if (!locate) return next.handle();
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      tap((answer) => {
        if (response.statusCode === 201) response.setHeader('Location', locate(answer as never));
      }),
    );
  }
}
