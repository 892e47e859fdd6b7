import { createHash } from 'node:crypto';
import { HttpException, Injectable, type ExecutionContext } from '@nestjs/common';
import {
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request, Response } from 'express';
import type { HttpConfig } from './security-config';
import type { IdentifiedRequest } from './security';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const isRead = (context: ExecutionContext) =>
  READS.has(context.switchToHttp().getRequest<Request>().method);
const bearerOf = (request: Request) =>
  /^bearer\s+(\S+)$/i.exec(request.header('authorization')?.trim() ?? '')?.[1];

/** A JWT's header and claims (a token that is not a JWT, as a whole: only with AUTH=off). */
const signedPart = (token: string) =>
  token.includes('.') ? token.slice(0, token.lastIndexOf('.')) : token;

/**
 * @nestjs/throttler over the mutating requests of authenticated callers (it runs after AuthGuard),
 * counted across every mutating route: per client IP and per bearer token (a hash of its signed part:
 * the token itself is kept nowhere). Changes refused for want of a valid token count apart, per address
 * (`anonymousAttempt`, from AuthGuard): a flood of them never uses up what the address's callers
 * with a token may do. The client IP is the peer's, or behind a proxy named in TRUSTED_PROXIES
 * (the gateway) the one it forwards.
 */
export function throttlerOptions({
  windowSeconds,
  perToken,
  perIp,
}: HttpConfig['throttle']): ThrottlerModuleOptions {
  const ttl = windowSeconds * 1000;
  const skipIf = (context: ExecutionContext) =>
    isRead(context) || !context.switchToHttp().getRequest<IdentifiedRequest>().identity;
  return {
    setHeaders: false,
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    throttlers: [
      {
        name: 'ip',
        ttl,
        limit: perIp,
        skipIf,
        getTracker: (request) => (request as Request).ip ?? 'unknown',
      },
      {
        name: 'token',
        ttl,
        limit: perToken,
        skipIf: (context) =>
          skipIf(context) || !bearerOf(context.switchToHttp().getRequest<Request>()),
        // The token's signed part (header and claims), verified by then: an ECDSA signature has a
        // second valid spelling (s and n − s), which must not be a second allowance.
        getTracker: (request) =>
          createHash('sha256')
            .update(signedPart(bearerOf(request as Request)!))
            .digest('base64url'),
      },
    ],
  };
}

/**
 * A change refused for want of a valid token, counted against its address in an allowance of its
 * own: once that is used up, a 429 (thrown) instead of the 401.
 */
export async function anonymousAttempt(
  storage: ThrottlerStorage,
  { windowSeconds, perIp }: HttpConfig['throttle'],
  request: Request,
  response: Response,
): Promise<void> {
  if (READS.has(request.method)) return;
  const ttl = windowSeconds * 1000;
  const { isBlocked, timeToBlockExpire } = await storage.increment(
    `anonymous:${request.ip ?? 'unknown'}`,
    ttl,
    perIp,
    ttl,
    'anonymous',
  );
  if (isBlocked)
    tooMany(
      response,
      perIp,
      windowSeconds,
      timeToBlockExpire,
      'client address, without a valid token',
    );
}

/** 429 Problem Details with Retry-After (seconds until the window lets it through). */
function tooMany(
  response: Response,
  limit: number,
  windowSeconds: number,
  retryAfter: number,
  per: string,
): never {
  response.setHeader('Retry-After', String(Math.max(1, retryAfter)));
  throw new HttpException(
    {
      type: 'urn:billing:too-many-requests',
      title: 'Too many requests',
      detail: `more than ${limit} changes in ${windowSeconds} s from this ${per}; retry after ${retryAfter} s`,
    },
    429,
  );
}

/** A request of an authenticated caller beyond a limit. */
@Injectable()
export class ThrottleGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(
    context: ExecutionContext,
    { key, limit, ttl, timeToBlockExpire }: ThrottlerLimitDetail,
  ): Promise<void> {
    tooMany(
      context.switchToHttp().getResponse<Response>(),
      limit,
      ttl / 1000,
      timeToBlockExpire,
      key.startsWith('token:') ? 'bearer token' : 'client address',
    );
  }
}
