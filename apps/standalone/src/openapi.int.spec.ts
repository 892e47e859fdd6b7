import {
  DocumentedClient,
  operationsOf,
  SchemaChecker,
  type OpenApi,
} from './testing/openapi-document';
import { draftedSmallApplication } from '@billing/shared/testing';
import { runDocumentedFlow } from './testing/openapi-flow';
import { startTestApp, type TestApp } from './testing/test-app';

/** The media types documents are answered in, besides JSON. */
const DOCUMENT_MEDIA = ['application/pdf', 'text/plain', 'text/html'];

/**
 * A property named like money (or a rate or a count of money) is an integer (README "API
 * conventions").
 */
const AMOUNT_NAME =
  /^(amount|total|tax|paid|open|balance|sum|unapplied|credited|writtenOff|outstanding|remaining|current|over90|days\d+to\d+)$|retainage|ToDate$|Sum$|Amount$|Balance$|Due$|Certificates$|billed|scheduledValue|stored|thisPeriod|fromPrevious|balanceToFinish|rate$|Rate$|threshold|percent/i;

/** Every schema object of the document, with where it is. */
function* schemasOf(value: unknown, at: string): Generator<[string, Record<string, any>]> {
  if (Array.isArray(value))
    for (const [index, item] of value.entries()) yield* schemasOf(item, `${at}/${index}`);
  else if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, any>;
    if (typeof object.type === 'string' || object.properties) yield [at, object];
    for (const [key, item] of Object.entries(object))
      if (key !== 'example' && key !== 'examples') yield* schemasOf(item, `${at}/${key}`);
  }
}

/** What Swagger UI shows as the example of a schema: the property examples, all the way down. */
function sampleOf(doc: OpenApi, schema: Record<string, any>): unknown {
  if (schema.example !== undefined) return schema.example;
  if (schema.$ref)
    return sampleOf(doc, doc.components.schemas[String(schema.$ref).split('/').pop()!]);
  if (schema.allOf) return sampleOf(doc, schema.allOf[0]);
  if (schema.type === 'array') return [sampleOf(doc, schema.items)];
  if (!schema.properties) return undefined;
  const entries = Object.entries(schema.properties as Record<string, Record<string, any>>).map(
    ([name, property]) => [name, sampleOf(doc, property)],
  );
  return Object.fromEntries(entries.filter(([, sample]) => sample !== undefined));
}

describe('the OpenAPI document, complete and true', () => {
  let test: TestApp;
  let doc: OpenApi;
  let checker: SchemaChecker;

  beforeAll(async () => {
    test = await startTestApp();
    doc = (await test.client.get('/docs-json')).body;
    checker = new SchemaChecker(doc);
  });
  afterAll(() => test.close());

  it('describes every operation: summary, answer schemas, Problem Details, headers, examples', () => {
    const gaps: string[] = [];
    for (const { path, method, operation } of operationsOf(doc)) {
      const name = `${method.toUpperCase()} ${path}`;
      const gap = (what: string) => gaps.push(`${name}: ${what}`);
      if (!operation.summary?.trim()) gap('no summary');
      const statuses = Object.keys(operation.responses);
      const success = statuses.filter((status) => status.startsWith('2'));
      // A document (README "Documents") answers itself: a PDF or a message, in its one documented
      // media type.
      const media = Object.entries(operation.responses[success[0]]?.content ?? {});
      const document =
        media.length === 1 &&
        DOCUMENT_MEDIA.includes(media[0][0]) &&
        media[0][1].schema?.type === 'string';
      if (
        success.length !== 1 ||
        !(operation.responses[success[0]].content?.['application/json']?.schema || document)
      )
        gap('no success answer with a JSON schema');
      if (document && !operation.responses[success[0]].headers?.['Content-Disposition'])
        gap('a document without Content-Disposition');
      const errors = statuses.filter((status) => /^[45]/.test(status));
      if (errors.length === 0) gap('no error answer');
      for (const status of errors)
        if (
          operation.responses[status].content?.['application/problem+json']?.schema?.$ref !==
          '#/components/schemas/ProblemDetails'
        )
          gap(`${status} is not Problem Details`);
      for (const [status, response] of Object.entries(operation.responses))
        if (!response.description.trim()) gap(`${status} has no description`);
      const headers = (operation.parameters ?? [])
        .filter((parameter) => parameter.in === 'header')
        .map((parameter) => parameter.name);
      for (const header of ['X-Correlation-Id', ...(method === 'post' ? ['Idempotency-Key'] : [])])
        if (!headers.includes(header)) gap(`no ${header} header`);
      // The identity is the bearer token's: the old headers are refused, not documented (README
      // "Roles and tokens").
      for (const header of ['X-Tenant-Id', 'X-Actor'])
        if (headers.includes(header)) gap(`documents ${header}, which is refused`);
      const open = path.startsWith('/health/');
      if (
        !open &&
        (JSON.stringify(operation.security) !== '[{"bearer":[]}]' ||
          !operation.responses['401'] ||
          !operation.responses['403'])
      )
        gap('no bearer security with 401 and 403');
      if (open && JSON.stringify(operation.security) !== '[]')
        gap('an open operation that asks for a token');
      if (method === 'post' && !operation.responses['429']?.headers?.['Retry-After'])
        gap('no 429 with Retry-After');
      // The headers every answer carries: the correlation id recorded; a GET's ETag, and its 304.
      const answered = operation.responses[success[0]]?.headers ?? {};
      if (!answered['X-Correlation-Id']) gap('no X-Correlation-Id on its answer');
      if (method === 'get' && !open && (!answered.ETag || !operation.responses['304']))
        gap('no ETag and 304');
      if (method === 'post' && !operation.responses['409']?.headers?.['Retry-After'])
        gap('no 409 with Retry-After (a request with its Idempotency-Key still running)');
      if (
        operation.parameters?.some((parameter) => parameter.name === 'offset') &&
        !operation.responses[success[0]]?.headers?.['X-Total-Count']
      )
        gap('a paged list without X-Total-Count');
      if (method === 'post') {
        const body = operation.requestBody?.content['application/json'];
        if (!body?.examples || Object.keys(body.examples).length === 0) gap('no request example');
        for (const [example, { value }] of Object.entries(body?.examples ?? {})) {
          const problems = checker.problems(body!.schema, value);
          if (problems) gap(`example ${example} does not validate: ${problems}`);
        }
      }
    }
    expect(gaps).toEqual([]);
    expect(operationsOf(doc).length).toBeGreaterThanOrEqual(42);
    expect(doc.info.description).toMatch(
      /minor unit[\s\S]*hundredths of a percent[\s\S]*YYYY-MM-DD[\s\S]*Idempotency-Key[\s\S]*422[\s\S]*409[\s\S]*Problem Details/,
    );
  });

  it('types every amount, rate and count as an integer, never a number', () => {
    const wrong: string[] = [];
    for (const [at, schema] of schemasOf(doc, '#')) {
      if (schema.type === 'number') wrong.push(`${at} is a number`);
      for (const [name, property] of Object.entries(
        (schema.properties ?? {}) as Record<string, Record<string, any>>,
      ))
        if (
          AMOUNT_NAME.test(name) &&
          !['integer', 'object', 'boolean'].includes(property.type) &&
          !property.$ref &&
          !property.allOf &&
          !property.items?.$ref
        )
          if (!(property.type === 'array' && property.items?.type === 'integer'))
            wrong.push(`${at}/properties/${name} is ${property.type}`);
    }
    expect(wrong).toEqual([]);
  });

  it("shows in Swagger UI request examples that validate: each body schema's own example", () => {
    const invalid = operationsOf(doc).flatMap(({ path, method, operation }) => {
      const schema = operation.requestBody?.content['application/json']?.schema;
      const problems = schema && checker.problems(schema, sampleOf(doc, schema));
      return problems ? [`${method.toUpperCase()} ${path}: ${problems}`] : [];
    });
    expect(invalid).toEqual([]);
  });

  it('answers the documented examples, in scenario order, with bodies that match the documented schemas', async () => {
    const api = new DocumentedClient(test.app, checker, test.token);
    // The refused retainage releases are logged as warnings; the flow asserts them on GET
    // /refusals.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await runDocumentedFlow(api);
    } finally {
      warn.mockRestore();
    }
    const documented = operationsOf(doc).map(
      ({ path, method }) => `${method.toUpperCase()} ${path}`,
    );
    expect(documented.filter((operation) => !api.exercised.has(operation))).toEqual([]);
  }, 120_000);

  it('documents billing timeliness as it answers an application issued dated before its certification: negative days, in the CSV as numbers', async () => {
    const draft = await draftedSmallApplication(test.client);
    const api = new DocumentedClient(test.app, checker, test.token);
    // The certification the draft came from is dated today; the issue is dated 2026-02-03.
    await api.expect(200, 'post', '/invoices/{id}/issue', {
      params: { id: draft.invoiceId },
      body: { date: '2026-02-03' },
    });
    const query = { from: '2026-01-01', to: '2026-12-31', contractId: draft.contractId };
    const answer = await api.expect(200, 'get', '/billing-timeliness', { query });
    expect(answer.overall.minDays).toBeLessThan(0);
    const csv: string = await api.expect(200, 'get', '/billing-timeliness', {
      query: { ...query, format: 'csv' },
    });
    expect(csv).toContain(`,${answer.overall.averageDays}`);
    expect(csv).not.toContain(`'-`);
  });
});
