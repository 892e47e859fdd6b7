import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { CommandContextInterceptor } from './idempotency.interceptor';
import { ReadModelInterceptor } from './read-model.interceptor';
import { ProblemDetailsFilter, validationPipe } from './problem-details.filter';
import { bodyGuards } from './body';
import { DeclaredQueryGuard } from './declared-query.guard';
import { API_CONVENTIONS, finishDocument } from './openapi-document';
import { ProblemDetails } from './responses';

/** What every service's HTTP side has: validation, Problem Details, command context, Swagger UI at /docs. */
export function configureHttp(app: INestApplication, title: string): INestApplication {
  bodyGuards().forEach((guard) => app.use(guard));
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalGuards(new DeclaredQueryGuard());
  app.useGlobalInterceptors(app.get(CommandContextInterceptor), app.get(ReadModelInterceptor));
  app.enableShutdownHooks();
  const config = new DocumentBuilder().setTitle(title).setDescription(API_CONVENTIONS).setVersion('1').build();
  SwaggerModule.setup('docs', app, () => finishDocument(SwaggerModule.createDocument(app, config, { extraModels: [ProblemDetails] })));
  return app;
}
