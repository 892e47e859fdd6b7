import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import request from 'supertest';
import type { INestApplication } from '@nestjs/common';

/** The parts of the served OpenAPI 3 document the checks read. */
export interface Operation {
  summary?: string;
  parameters?: { name: string; in: string; example?: unknown; schema?: Record<string, unknown> }[];
  requestBody?: {
    content: Record<
      string,
      {
        schema: Record<string, unknown>;
        examples?: Record<string, { value: Record<string, unknown> }>;
      }
    >;
  };
  responses: Record<
    string,
    {
      description: string;
      headers?: Record<string, unknown>;
      content?: Record<string, { schema: Record<string, unknown> }>;
    }
  >;
  security?: Record<string, string[]>[];
}
export interface OpenApi {
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

export const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
export const operationsOf = (doc: OpenApi) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).flatMap(([method, operation]) =>
      METHODS.includes(method) ? [{ path, method, operation }] : [],
    ),
  );

const DOCUMENT_ID = 'openapi.json';

/** Every `$ref` of the document, pointed at the document registered with ajv. */
const rebased = (schema: unknown): unknown =>
  JSON.parse(JSON.stringify(schema), (key, value: unknown) =>
    key === '$ref' && typeof value === 'string' && value.startsWith('#/')
      ? `${DOCUMENT_ID}${value}`
      : value,
  );

/**
 * ajv over the document's own schemas (no hand-written checks): the components are one schema,
 * referenced by `$ref`.
 */
export class SchemaChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, removeAdditional: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly doc: OpenApi) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: doc.components });
  }

  /** Undefined when `value` validates, the errors otherwise. */
  problems(schema: Record<string, unknown>, value: unknown): string | undefined {
    const key = JSON.stringify(schema);
    const validate = this.compiled.get(key) ?? this.ajv.compile(rebased(schema) as object);
    this.compiled.set(key, validate);
    return validate(value)
      ? undefined
      : this.ajv.errorsText(validate.errors, { separator: '\n  ' });
  }
}

export interface Answer {
  status: number;
  body: any;
  headers: Record<string, string>;
}

/**
 * Drives the app over HTTP by the document: each call names an operation of the document (method
 * and path template), and its answer must be documented for its status and media type and validate
 * against that schema. Records which operations were exercised.
 */
export class DocumentedClient {
  readonly exercised = new Set<string>();

  constructor(
    private readonly app: INestApplication,
    private readonly checker: SchemaChecker,
    /** Sent as `Authorization: Bearer` unless a call's headers say otherwise. */
    private readonly token?: string,
  ) {}

  get doc(): OpenApi {
    return this.checker.doc;
  }

  operation(method: string, template: string): Operation {
    const operation = this.doc.paths[template]?.[method];
    if (!operation) throw new Error(`${method.toUpperCase()} ${template} is not in the document`);
    return operation;
  }

  /**
   * The named request example of the operation (the first when unnamed), with ids of earlier
   * answers substituted.
   */
  example(
    template: string,
    name?: string,
    ids: Record<string, string> = {},
  ): Record<string, unknown> {
    const examples =
      this.operation('post', template).requestBody?.content['application/json']?.examples ?? {};
    const chosen = name ? examples[name] : Object.values(examples)[0];
    if (!chosen) throw new Error(`POST ${template} documents no example ${name ?? ''}`);
    const body = structuredClone(chosen.value);
    for (const [field, id] of Object.entries(ids)) {
      if (field in body) body[field] = id;
      if (`${field}s` in body) body[`${field}s`] = [id];
    }
    return body;
  }

  /** The documented example of a query parameter. */
  queryExample(template: string, name: string): string {
    const parameter = this.operation('get', template).parameters?.find(
      (candidate) => candidate.in === 'query' && candidate.name === name,
    );
    const example = parameter?.example ?? parameter?.schema?.example;
    if (typeof example !== 'string')
      throw new Error(`GET ${template} documents no example of ${name}`);
    return example;
  }

  async call(
    method: 'get' | 'post',
    template: string,
    options: {
      params?: Record<string, string>;
      query?: Record<string, string>;
      body?: object;
      headers?: Record<string, string>;
      raw?: string;
    } = {},
  ): Promise<Answer> {
    this.operation(method, template);
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = options.params?.[name];
      if (value === undefined) throw new Error(`no value for {${name}} of ${template}`);
      return encodeURIComponent(value);
    });
    const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    const headers = {
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      'x-correlation-id': 'openapi-flow',
      ...options.headers,
    };
    const pending =
      method === 'get'
        ? request(this.app.getHttpServer())
            .get(path + query)
            .set(headers)
        : request(this.app.getHttpServer())
            .post(path + query)
            .set(headers);
    const response =
      method === 'post'
        ? await (options.raw !== undefined
            ? pending.send(options.raw)
            : pending.send(options.body ?? {}))
        : await pending;
    // A CSV answer (`Accept: text/csv`, `?format=csv`) is checked as the text it is.
    const text = /^text\/csv\b/.test(String(response.headers['content-type']));
    const answer = {
      status: response.status,
      body: text ? response.text : response.body,
      headers: response.headers as Record<string, string>,
    };
    this.check(method, template, answer);
    this.exercised.add(`${method.toUpperCase()} ${template}`);
    return answer;
  }

  /** A call that must answer `status`. */
  async expect(
    status: number,
    method: 'get' | 'post',
    template: string,
    options: Parameters<DocumentedClient['call']>[2] = {},
  ): Promise<any> {
    const answer = await this.call(method, template, options);
    if (answer.status !== status)
      throw new Error(
        `${method.toUpperCase()} ${template} answered ${answer.status}, not ${status}: ${JSON.stringify(answer.body)}`,
      );
    return answer.body;
  }

  /**
   * Polls a GET until `until` holds (each answer is checked against the document like any other).
   */
  async poll<T>(
    template: string,
    options: Parameters<DocumentedClient['call']>[2],
    until: (body: T) => boolean,
    what: string,
  ): Promise<T> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const answer = await this.call('get', template, options);
      if (answer.status === 200 && until(answer.body as T)) return answer.body as T;
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}: last answer ${answer.status} ${JSON.stringify(answer.body)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private check(method: string, template: string, answer: Answer): void {
    const where = `${method.toUpperCase()} ${template} -> ${answer.status}`;
    const response = this.operation(method, template).responses[String(answer.status)];
    if (!response) throw new Error(`${where} is not documented: ${JSON.stringify(answer.body)}`);
    const mediaType = (answer.headers['content-type'] ?? '').split(';')[0].trim();
    const schema = response.content?.[mediaType]?.schema;
    if (!schema)
      throw new Error(
        `${where}: no schema for ${mediaType || 'an empty body'} (documented: ${Object.keys(response.content ?? {}).join(', ')})`,
      );
    // A document (a PDF, a message) is a string of bytes: it must be one, and not empty.
    if (!mediaType.endsWith('json')) {
      if (schema.type !== 'string' || !(Number(answer.headers['content-length']) > 0))
        throw new Error(
          `${where}: ${mediaType} answered without a length or not documented as a string`,
        );
      return;
    }
    const problems = this.checker.problems(schema, answer.body);
    if (problems)
      throw new Error(
        `${where}: the body does not match the documented schema:\n  ${problems}\n${JSON.stringify(answer.body, null, 2).slice(0, 4000)}`,
      );
  }
}
