import { createHash } from 'node:crypto';
import { HttpException, Injectable, type ExecutionContext } from '@nestjs/common';
import {
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
} from '@nestjs/throttler';
import type { Request, Response } from 'express';
import type { HttpConfig } from './security-config';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const isRead = (context: ExecutionContext) =>
  READS.has(context.switchToHttp().getRequest<Request>().method);
const bearerOf = (request: Request) =>
  /^bearer\s+(\S+)$/i.exec(request.header('authorization')?.trim() ?? '')?.[1];

/**
 * @nestjs/throttler over the mutating requests only, counted across every mutating route: per client
 * IP, and per bearer token (a hash of it: the token itself is kept nowhere). Runs before AuthGuard,
 * so unauthenticated attempts count against their IP too, in an allowance of their own: a flood
 * of them does not use up what the address's authenticated callers may do. The client IP is the
 * peer's, or behind a proxy named in TRUSTED_PROXIES (the gateway) the one it forwards.
 */
export function throttlerOptions({
  windowSeconds,
  perToken,
  perIp,
}: HttpConfig['throttle']): ThrottlerModuleOptions {
  const ttl = windowSeconds * 1000;
  return {
    setHeaders: false,
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    throttlers: [
      {
        name: 'ip',
        ttl,
        limit: perIp,
        skipIf: isRead,
        getTracker: (request) =>
          `${bearerOf(request as Request) ? 'bearer' : 'anonymous'}:${(request as Request).ip ?? 'unknown'}`,
      },
      {
        name: 'token',
        ttl,
        limit: perToken,
        skipIf: (context) =>
          isRead(context) || !bearerOf(context.switchToHttp().getRequest<Request>()),
        getTracker: (request) =>
          createHash('sha256')
            .update(bearerOf(request as Request)!)
            .digest('base64url'),
      },
    ],
  };
}

/**
 * A request beyond a limit: 429 Problem Details with Retry-After (seconds until the window lets it
 * through).
 */
@Injectable()
export class ThrottleGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(
    context: ExecutionContext,
    { key, limit, ttl, timeToBlockExpire }: ThrottlerLimitDetail,
  ): Promise<void> {
    const per = key.startsWith('token:') ? 'bearer token' : 'client address';
    context
      .switchToHttp()
      .getResponse<Response>()
      .setHeader('Retry-After', String(Math.max(1, timeToBlockExpire)));
    throw new HttpException(
      {
        type: 'urn:billing:too-many-requests',
        title: 'Too many requests',
        detail: `more than ${limit} changes in ${ttl / 1000} s from this ${per}; retry after ${timeToBlockExpire} s`,
      },
      429,
    );
  }
}
