import {
  BadRequestException,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';

/**
 * What every object inherits: class-transformer drops a query key so named instead of refusing it.
 */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

interface Declared {
  names: Set<string>;
  /**
   * A `@Query()` DTO takes the whole query; the validation pipe refuses what it does not declare.
   */
  dto: boolean;
}

/**
 * A request carries only the query parameters its handler declares (`@Query('name')`, or a
 * `@Query()` DTO's fields): `?colour=red` on a route that has no `colour` is a 400, as it is on
 * the paged lists, not silently ignored.
 */
@Injectable()
export class DeclaredQueryGuard implements CanActivate {
  private readonly declared = new Map<unknown, Declared>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const { names, dto } = this.declaredBy(context);
    const unknown = Object.keys(context.switchToHttp().getRequest<Request>().query).filter(
      (key) => INHERITED.has(key) || (!dto && !names.has(key)),
    );
    if (unknown.length === 0) return true;
    throw new BadRequestException({
      type: 'urn:billing:validation',
      title: 'Invalid request',
      detail: `this operation has no query parameter ${unknown.join(', ')}`,
      errors: unknown.map((field) => ({
        field,
        messages: [`query parameter ${field} should not exist`],
      })),
    });
  }

  private declaredBy(context: ExecutionContext): Declared {
    const handler = context.getHandler();
    const cached = this.declared.get(handler);
    if (cached) return cached;
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ??
      {}) as Record<string, { data?: unknown }>;
    const queries = Object.entries(args)
      .filter(([key]) => key.split(':')[0] === String(RouteParamtypes.QUERY))
      .map(([, arg]) => arg.data);
    const declared = {
      names: new Set(queries.filter((data): data is string => typeof data === 'string')),
      dto: queries.some((data) => data === undefined),
    };
    this.declared.set(handler, declared);
    return declared;
  }
}
