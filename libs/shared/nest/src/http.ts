import type { INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { CommandContextInterceptor } from './idempotency.interceptor';
import { ReadModelInterceptor } from './read-model.interceptor';
import { LocationInterceptor } from './location';
import { ProblemDetailsFilter } from './problem-details.filter';
import { validationPipe } from './validation';
import { bodyGuards } from './body';
import { DeclaredQueryGuard } from './declared-query.guard';
import { API_CONVENTIONS, finishDocument } from './openapi-document';
import { ProblemDetails } from './responses';
import { requestLogContext } from '@billing/shared/logging';
import { AuthGuard, RolesGuard } from './auth.guard';
import { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottleGuard } from './throttle.guard';
import { applyHttpHygiene } from './http-hygiene';
import { Draining } from './draining';
import { SETTINGS, type Settings } from './tokens';

/**
 * What every service's HTTP side has: host check, security headers, CORS, bearer tokens and roles,
 * rate limits, validation, Problem Details, command context, Swagger UI at /docs.
 */
export function configureHttp(app: INestApplication, title: string): INestApplication {
  const { security } = app.get<Settings>(SETTINGS);
  if (!security)
    throw new Error(
      'Settings.security is required to serve HTTP: who may call is never left to a default',
    );
  app.use(requestLogContext);
  app.use(app.get(Draining).middleware);
  applyHttpHygiene(app, security.http);
  bodyGuards().forEach((guard) => app.use(guard));
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  // Who calls (a change refused for want of a valid token counts against its address, apart),
  // the limits of authenticated callers, what their roles allow, then the query's shape.
  app.useGlobalGuards(
    new AuthGuard(security.auth, {
      storage: app.get(ThrottlerStorage),
      throttle: security.http.throttle,
    }),
    app.get(ThrottleGuard),
    new RolesGuard(security.auth),
    new DeclaredQueryGuard(),
  );
  app.useGlobalInterceptors(
    new LocationInterceptor(app.get(Reflector)),
    app.get(CommandContextInterceptor),
    app.get(ReadModelInterceptor),
  );
  app.enableShutdownHooks();
  const config = new DocumentBuilder()
    .setTitle(title)
    .setDescription(API_CONVENTIONS)
    .setVersion('1')
    .build();
  SwaggerModule.setup('docs', app, () =>
    finishDocument(
      SwaggerModule.createDocument(app, config, { extraModels: [ProblemDetails] }),
      security.auth.mode,
    ),
  );
  return app;
}
