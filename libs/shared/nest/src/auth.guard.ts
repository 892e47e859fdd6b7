import {
  HttpException,
  Injectable,
  Logger,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import {
  accessOf,
  AuthenticationError,
  type Identity,
  type Role,
  TENANT_PATTERN,
} from '@billing/shared/auth';
import type { Response } from 'express';
import type { Problem } from './problem-details.filter';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Authentication, IdentifiedRequest } from './security';
import type { HttpConfig } from './security-config';
import { anonymousAttempt } from './throttle.guard';

/**
 * Headers that named the tenant and the actor before tokens: with authentication on, a request
 * carrying one is refused, not half-trusted.
 */
const IDENTITY_HEADERS = ['X-Tenant-Id', 'X-Actor'];
export const REALM = 'billing';

/**
 * Every route but liveness and readiness: a bearer token verified by the issuer's keys (401 with
 * `WWW-Authenticate: Bearer` without one, or with one that is expired, forged, for another audience
 * or issuer); such a change, or one naming the tenant or actor in a header (400), counts against
 * its address apart. The access matrix comes after the limits (RolesGuard). Each refusal is logged
 * with its reason and source, never with the token. With AUTH=off the old headers name the tenant
 * and the actor, and every operation is allowed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('access');

  constructor(
    private readonly auth: Authentication,
    /** Where changes refused for want of a valid token are counted (none: not counted). */
    private readonly attempts?: { storage: ThrottlerStorage; throttle: HttpConfig['throttle'] },
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<IdentifiedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    if (accessOf(request.method, templateOf(request)) === 'public') return true;
    if (this.auth.mode === 'off') {
      request.identity = headerIdentity(request);
      // As a token's tenant claim must (keys and streams are named by it).
      if (!TENANT_PATTERN.test(request.identity.tenantId))
        this.refuse(request, 400, `X-Tenant-Id must match ${TENANT_PATTERN.source}`);
      return true;
    }
    const named = IDENTITY_HEADERS.filter((header) => request.header(header) !== undefined);
    if (named.length) {
      await this.attempted(request, response);
      this.refuse(
        request,
        400,
        `${named.join(' and ')} refused: the tenant and the actor come from the bearer token`,
      );
    }
    request.identity = await this.authenticate(request, response);
    return true;
  }

  private async authenticate(request: IdentifiedRequest, response: Response): Promise<Identity> {
    if (this.auth.mode !== 'bearer') throw new Error('unreachable');
    const [scheme, token, ...rest] = (request.header('authorization') ?? '').trim().split(/\s+/);
    if (!/^bearer$/i.test(scheme ?? '') || !token || rest.length) {
      await this.attempted(request, response);
      response.setHeader('WWW-Authenticate', `Bearer realm="${REALM}"`);
      this.refuse(
        request,
        401,
        request.header('authorization')
          ? 'the Authorization header is not "Bearer <token>"'
          : 'no bearer token',
      );
    }
    try {
      return await this.auth.verifier.verify(token);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      if (error.status === 503) response.setHeader('Retry-After', '5');
      else await this.attempted(request, response);
      if (error.status !== 503)
        response.setHeader('WWW-Authenticate', invalidTokenChallenge(error.message));
      this.refuse(
        request,
        error.status,
        error.message,
        undefined,
        error.internal ? `${error.message}: ${error.internal}` : error.message,
      );
    }
  }

  /** A change without a valid token: counted against its address (a 429 once too many). */
  private async attempted(request: IdentifiedRequest, response: Response): Promise<void> {
    if (this.attempts)
      await anonymousAttempt(this.attempts.storage, this.attempts.throttle, request, response);
  }

  private refuse(
    request: IdentifiedRequest,
    status: 400 | 401 | 503,
    reason: string,
    identity?: Identity,
    logged = reason,
  ): never {
    return refuse(this.logger, request, status, reason, identity, logged);
  }
}

/**
 * The access matrix, after the limits (a change refused for its role still counts against its
 * token and address): 403 outside the caller's roles. With AUTH=off every operation is allowed.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  private readonly logger = new Logger('access');

  constructor(private readonly auth: Authentication) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http' || this.auth.mode === 'off') return true;
    const request = context.switchToHttp().getRequest<IdentifiedRequest>();
    const template = templateOf(request);
    const access = accessOf(request.method, template);
    const { identity } = request;
    if (access === 'public' || !identity) return true;
    if (!access.some((role) => identity.roles.includes(role)))
      refuse(
        this.logger,
        request,
        403,
        `${rolesText(identity.roles)} may not ${request.method} ${template} (allowed: ${access.join(', ') || 'nobody'})`,
        identity,
      );
    return true;
  }
}

/**
 * RFC 6750's challenge for a token refused, with the reason: a header holds ASCII only, and the
 * quoted description no `"` or `\\` (a reason that has them would make the answer a 500).
 */
export function invalidTokenChallenge(reason: string): string {
  const description = reason.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');
  return `Bearer realm="${REALM}", error="invalid_token", error_description="${description}"`;
}

/** The route's template (`/contracts/:id/activate`), as the access matrix names operations. */
const templateOf = (request: IdentifiedRequest) =>
  (request.route as { path?: string } | undefined)?.path ?? request.path;

/** Logged with its reason and source (and for a 403 the subject and tenant), never the token. */
function refuse(
  logger: Logger,
  request: IdentifiedRequest,
  status: 400 | 401 | 403 | 503,
  reason: string,
  identity?: Identity,
  /** What the log says instead of `reason`: more than the caller is told. */
  logged = reason,
): never {
  const who = identity ? ` (subject ${identity.subject}, tenant ${identity.tenantId})` : '';
  const forwarded = request.header('x-forwarded-for')
    ? `, forwarded for ${request.header('x-forwarded-for')}`
    : '';
  logger.warn(
    `refused ${status}: ${logged}${who}; from ${request.ip}${forwarded} ${request.method} ${request.path}`,
  );
  throw new HttpException(PROBLEMS[status](reason), status);
}

const PROBLEMS: Record<400 | 401 | 403 | 503, (detail: string) => Problem> = {
  400: (detail) => ({
    type: 'urn:billing:identity-headers',
    title: 'Identity headers refused',
    detail,
  }),
  401: (detail) => ({
    type: 'urn:billing:unauthenticated',
    title: 'Authentication required',
    detail,
  }),
  403: (detail) => ({ type: 'urn:billing:forbidden', title: 'Not allowed for your role', detail }),
  503: (detail) => ({ type: 'urn:billing:unavailable', title: 'Cannot verify tokens now', detail }),
};

const rolesText = (roles: readonly Role[]) =>
  roles.length === 0 ? 'a token with no role' : `role ${roles.join(', ')}`;

/** AUTH=off: the tenant and the actor as the headers name them (development and tests only). */
function headerIdentity(request: IdentifiedRequest): Identity {
  const header = (name: string) => request.header(name)?.trim() || undefined;
  return {
    tenantId: header('x-tenant-id') ?? 'default',
    subject: header('x-actor') ?? 'anonymous',
    roles: ['admin'],
  };
}
