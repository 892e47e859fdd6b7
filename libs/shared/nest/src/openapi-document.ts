import type { OpenAPIObject } from '@nestjs/swagger';
import { accessOf } from '@billing/shared/auth';
import { OPEN_SCHEMAS, PROBLEM_MEANING, problemResponse, type ProblemStatus } from './openapi';
import { MAX_DEPTH, MAX_TEXT } from './body';
import { CORRELATION_ID_PATTERN } from './audit.dto';
import { IDEMPOTENCY_KEY as KEY_RULE } from './command-context';

/**
 * The document's description: the conventions every operation follows (README "API conventions").
 */
export const API_CONVENTIONS = `Event-sourced contract billing: contracts and their schedule of values, progress and milestones, pay applications (AIA G702/G703) and invoices, receivables.

**Amounts** are integers in the currency's minor unit (cents: USD 1,234.56 is \`123456\`). **Rates and percents** are integers in hundredths of a percent: 10% = \`1000\`, 33.33% = \`3333\`. Every number in this API is an integer.

**Business dates** (\`date\`, \`periodEnd\`, \`receivedOn\`, …) are \`YYYY-MM-DD\` from 2000-01-01 to 2099-12-31 and default to today in the service's billing time zone. Instants (\`recordedAt\`, \`at\` and \`asOf\` of the audit views) are ISO 8601.

**Identity**: every operation but \`/health/*\` takes \`Authorization: Bearer <JWT>\`, verified against the issuer's keys (issuer, audience, expiry). The token's claims name the tenant (a tenant sees and changes only its own contracts, invoices and accounts, and has its own number series) and the roles (\`billing\`, \`finance\`, \`auditor\`, \`admin\`; each operation lists those allowed under 403); its subject, with its name and e-mail, is the actor recorded on every event. 401 without a valid token, 403 outside the roles; \`X-Tenant-Id\` and \`X-Actor\` are refused (400). Only with authentication off (\`AUTH=off\`, development) do those two headers name the tenant (default \`default\`) and the actor instead. \`X-Correlation-Id\`: recorded on every event the request causes (default: the command's id).

**Rate limits**: changes (POST) are limited per bearer token and per client address; beyond, 429 with \`Retry-After\`.

**Idempotency-Key** (POST): a retry with the same key and the same request answers the first answer again (same status and body, with \`Idempotent-Replayed: true\`) and appends nothing. Keys are the tenant's and do not expire: the same key on another request (another body, path or method) or sent by another user of the tenant is refused (422), and a retry while the first request is still running is refused (409, \`Retry-After\`), never run twice.

**Errors** are RFC 9457 Problem Details (\`application/problem+json\`): 400 names every invalid field in \`errors\`, 404 an unknown id, 405 (with \`Allow\`) a method the path does not take, 409 not allowed in the current state, 422 a billing rule forbids it (the rule in \`detail\`), 413 a body over 256 KB, 415 a body that is not JSON. In every error case nothing is written.

**Reactions** happen moments after the command that causes them (a pay application is drafted after a certification, an invoice is opened on the customer's account after it is issued): the answer of a command shows this context's state; poll the list it names for the rest. A reaction a billing rule refuses is listed under \`/refusals\`.

**Degraded**: while an event of the tenant is parked (a read model could not apply it), answers carry \`Billing-Degraded\`, and a document the event should have changed carries \`degraded.parkedEvents\`.

**Caching**: answers carry \`Cache-Control: private, no-cache\` and \`Vary: Accept\` (JSON or CSV by \`Accept\`), JSON and CSV answers to a GET an \`ETag\`: a client may ask again with \`If-None-Match\` and is answered 304 Not Modified, without a body, while the answer is the same.

**Lists** take \`limit\` (1-1000, default 100) and \`offset\`, and answer the total in \`X-Total-Count\`; a full page of a list of documents also answers \`Link: <…&after=…>; rel=\"next\"\`, the next page by cursor, steady while documents enter or leave the filter. Every object an answer holds lists all its fields (\`additionalProperties: false\`); Problem Details may carry extension members.`;

type Operation = {
  parameters?: Parameter[];
  responses: Record<string, Response>;
  security?: Record<string, string[]>[];
};
type Parameter = {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Record<string, unknown>;
  example?: unknown;
};
type Response = { description: string; headers?: Record<string, unknown>; content?: unknown };

const header = (
  name: string,
  description: string,
  schema: Record<string, unknown> = { type: 'string' },
): Parameter => ({
  name,
  in: 'header',
  required: false,
  description,
  schema,
});

const IDENTITY_HEADERS = [
  header(
    'X-Tenant-Id',
    'The tenant acting: it sees and changes only its own contracts, invoices and accounts, and has its own number series',
    {
      type: 'string',
      default: 'default',
    },
  ),
  header('X-Actor', 'Who acts; recorded on every event the request causes', {
    type: 'string',
    default: 'anonymous',
  }),
];
const CORRELATION_ID = [
  header(
    'X-Correlation-Id',
    "Recorded on every event the request causes and on the reactions' events (default: the command's id), and answered in the response's `X-Correlation-Id`; on a POST given once (400 otherwise)",
    { type: 'string', pattern: CORRELATION_ID_PATTERN },
  ),
];
const IDEMPOTENCY_KEY = header(
  'Idempotency-Key',
  'A retry with the same key and the same request answers the first answer (`Idempotent-Replayed: true`) and appends nothing; the same key on another request, or from another user of the tenant, is refused (422); a retry while the first is running is refused (409, `Retry-After`). Keys do not expire. 1 to 255 printable ASCII characters, given once (400 otherwise)',
  {
    type: 'string',
    minLength: 1,
    maxLength: 255,
    pattern: KEY_RULE.source,
  },
);

const DEGRADED = {
  'Billing-Degraded': {
    description:
      'Present while events of the tenant are parked: figures may lack them (see /health/ready)',
    schema: { type: 'string' },
  },
};
const REPLAYED = {
  'Idempotent-Replayed': {
    description:
      '`true` when this is the stored first answer to a request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
};
const ANSWERED_CORRELATION_ID = {
  'X-Correlation-Id': {
    description: "The correlation id recorded (the one sent, else the command's id)",
    schema: { type: 'string' },
  },
};
const ETAG = {
  ETag: {
    description:
      "The answer's tag (of a page, its total too): sent again in `If-None-Match`, a 304 while the answer is the same",
    schema: { type: 'string' },
  },
};
const NOT_MODIFIED = {
  description: 'Not Modified: the answer is still the one `If-None-Match` names (no body)',
  headers: ETAG,
};
const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
};
const WWW_AUTHENTICATE = {
  'WWW-Authenticate': {
    description: 'RFC 6750: `Bearer realm="billing"`, with `error="invalid_token"` and why',
    schema: { type: 'string' },
  },
};
const BEARER = {
  type: 'http' as const,
  scheme: 'bearer',
  bearerFormat: 'JWT',
  description:
    "A JWT from the issuer (the embedded app's own: `npm run token -- --role billing --tenant acme`); its claims name the tenant and the roles",
};

/** Every operation goes through DeclaredQueryGuard. */
const UNKNOWN_QUERY = 'or a query parameter the operation does not have';

/**
 * Every POST goes through the body guards (body.ts) and the Idempotency-Key interceptor: what they
 * answer.
 */
const EVERY_POST: [ProblemStatus, string][] = [
  [
    400,
    `or the body is empty, not UTF-8, not a JSON object, not valid JSON, nested deeper than ${MAX_DEPTH} levels, or carries a \`null\`, an integer beyond ±(2^53 − 1), a text longer than ${MAX_TEXT} characters, of white space only or with a control or direction character, or a field named like an inherited property (\`__proto__\`, \`constructor\`, \`toString\`, …) or \`prototype\``,
  ],
  [409, 'or a request with this Idempotency-Key is still running'],
  [413, PROBLEM_MEANING[413]],
  [415, PROBLEM_MEANING[415]],
  [422, 'or this Idempotency-Key was first used with another body'],
  [429, PROBLEM_MEANING[429]],
  [503, 'The event store cannot take the write now; retry after `Retry-After` seconds'],
];

/** Path parameters every route parses with uuidParam (a malformed one is a 400). */
const UUID_PARAMETERS: Record<string, string> = {
  contractId: 'contract',
  customerId: 'customer',
  invoiceId: 'invoice',
  paymentId: 'payment',
};
const OTHER_PARAMETERS: Record<string, Partial<Parameter>> = {
  lineId: {
    description: 'A schedule line of the contract (its `lineId`)',
    schema: { type: 'string' },
  },
  periodEnd: {
    description: 'The period end of the pending progress report, YYYY-MM-DD',
    schema: { type: 'string', format: 'date' },
  },
};

/**
 * What the decorators cannot say once per app: the headers every operation reads, the answers the
 * global middleware gives (body guards, Idempotency-Key, rate limits, bearer tokens and roles,
 * Problem Details filter), the id formats, and closed object schemas.
 */
export function finishDocument(document: OpenAPIObject, auth: 'bearer' | 'off'): OpenAPIObject {
  if (auth === 'bearer')
    document.components = { ...document.components, securitySchemes: { bearer: BEARER } };
  for (const [path, item] of Object.entries(document.paths))
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method] as Operation | undefined;
      if (operation) finishOperation(path, method, operation);
      if (operation && auth === 'bearer') secure(path, method, operation);
    }
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {}))
    if ('properties' in schema && schema.additionalProperties === undefined)
      schema.additionalProperties = OPEN_SCHEMAS.has(name);
  return document;
}

function finishOperation(path: string, method: string, operation: Operation): void {
  const parameters = (operation.parameters ?? []).map((parameter) =>
    parameter.in === 'path' ? pathParameter(path, parameter) : parameter,
  );
  operation.parameters = [
    ...parameters,
    ...IDENTITY_HEADERS,
    ...CORRELATION_ID,
    ...(method === 'post' ? [IDEMPOTENCY_KEY] : []),
  ];
  for (const [status, response] of Object.entries(operation.responses))
    if (status.startsWith('2'))
      response.headers = {
        ...response.headers,
        ...DEGRADED,
        ...ANSWERED_CORRELATION_ID,
        ...(method === 'post' ? REPLAYED : ETAG),
      };
  if (method === 'get' && !path.startsWith('/health/')) operation.responses[304] = NOT_MODIFIED;
  const global: [ProblemStatus, string][] = [
    [400, UNKNOWN_QUERY],
    ...(method === 'post' ? EVERY_POST : []),
    [500, PROBLEM_MEANING[500]],
  ];
  for (const [status, text] of global) {
    const own = operation.responses[status];
    operation.responses[status] = own
      ? { ...own, description: `${own.description}; ${text}` }
      : problemResponse(text.replace(/^or /, 'Invalid request: '));
    // A 409 says when to ask again where a request with the Idempotency-Key is still running.
    if (status === 503 || status === 429 || (status === 409 && method === 'post'))
      operation.responses[status].headers = RETRY_AFTER;
  }
}

/**
 * Bearer mode: the scheme on every operation but the open ones, what AuthGuard answers, and who may
 * call (the access matrix).
 */
function secure(path: string, method: string, operation: Operation): void {
  const access = accessOf(method, path.replace(/\{(\w+)\}/g, ':$1'));
  operation.parameters = operation.parameters?.filter(
    (parameter) => !IDENTITY_HEADERS.some((identity) => identity.name === parameter.name),
  );
  if (access === 'public') return void (operation.security = []);
  operation.security = [{ bearer: [] }];
  operation.responses[400] = {
    ...operation.responses[400],
    description: `${operation.responses[400].description}; or the request carries X-Tenant-Id or X-Actor`,
  };
  operation.responses[401] = {
    ...problemResponse(PROBLEM_MEANING[401]),
    headers: WWW_AUTHENTICATE,
  };
  operation.responses[403] = problemResponse(
    `${PROBLEM_MEANING[403]}: allowed to ${access.join(', ') || 'nobody'}`,
  );
  const busy = "or the issuer's keys cannot be fetched to verify the token";
  const own = operation.responses[503];
  operation.responses[503] = {
    ...(own ?? problemResponse(busy.replace(/^or t/, 'T'))),
    ...(own ? { description: `${own.description}; ${busy}` } : {}),
    headers: RETRY_AFTER,
  };
}

function pathParameter(path: string, parameter: Parameter): Parameter {
  const what =
    parameter.name === 'id'
      ? path.split('/')[1].replace(/s$/, '')
      : UUID_PARAMETERS[parameter.name];
  if (what)
    return {
      ...parameter,
      description: `The ${what}'s id`,
      schema: { type: 'string', format: 'uuid' },
    };
  return { ...parameter, ...OTHER_PARAMETERS[parameter.name] };
}
