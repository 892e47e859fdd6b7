import { dirname } from 'node:path';
import express, { type Router } from 'express';
import { SERVICES, type Service } from './routes';

type Document = {
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
} & Record<string, unknown>;

/**
 * `/docs`: Swagger UI over `/docs-json`, the four services' documents merged (each asked when the
 * document is).
 */
export function docs(upstreams: Record<Service, string>): Router {
  const router = express.Router();
  router.get(
    '/docs-json',
    (_request, response, next) =>
      void merged(upstreams).then((document) => response.json(document), next),
  );
  router.get(['/docs', '/docs/'], (_request, response) => void response.type('html').send(PAGE));
  // Not inline: the page's Content-Security-Policy (helmet) runs only scripts served from here.
  router.get('/docs/init.js', (_request, response) => void response.type('js').send(INIT));
  router.use(
    '/docs',
    express.static(dirname(require.resolve('swagger-ui-dist/package.json')), { index: false }),
  );
  return router;
}

async function merged(upstreams: Record<Service, string>): Promise<Document> {
  const documents = await Promise.all(
    SERVICES.map(
      async (service) =>
        (await fetch(`${upstreams[service]}/docs-json`)).json() as Promise<Document>,
    ),
  );
  const result: Document = {
    ...documents[0],
    info: { ...(documents[0].info as object), title: 'Contract billing (gateway)' },
    paths: {},
    components: {},
  };
  for (const document of documents) {
    for (const [path, operations] of Object.entries(document.paths ?? {}))
      result.paths![path] = { ...result.paths![path], ...operations };
    for (const [kind, entries] of Object.entries(document.components ?? {}))
      result.components![kind] = { ...entries, ...result.components![kind] };
  }
  return result;
}

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Contract billing API</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/docs-json', dom_id: '#swagger-ui' });\n`;
