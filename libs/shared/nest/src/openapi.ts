import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiProperty,
  ApiResponse,
  getSchemaPath,
  type ApiPropertyOptions,
} from '@nestjs/swagger';
import { Matches, type ValidationOptions } from 'class-validator';

// Property helpers of the OpenAPI document: one place says how an amount, a rate, a date is typed.
type Options = ApiPropertyOptions & Record<string, unknown>;
const property = (schema: Options, options: ApiPropertyOptions) =>
  ApiProperty({ ...schema, ...options } as ApiPropertyOptions);

/** An amount in the currency's minor unit (README "API conventions"): an integer, never a float. */
export const MoneyProperty = (description: string, options: ApiPropertyOptions = {}) =>
  property(
    { type: 'integer', format: 'int64', description: `${description} (minor units)` },
    options,
  );

/** A rate or percent in hundredths of a percent: 10% = 1000. */
export const RateProperty = (description: string, options: ApiPropertyOptions = {}) =>
  property(
    {
      type: 'integer',
      minimum: 0,
      maximum: 10_000,
      description: `${description} (1/100 %, 10% = 1000)`,
    },
    options,
  );

/** A count, a position or a revision. */
export const CountProperty = (description: string, options: ApiPropertyOptions = {}) =>
  property({ type: 'integer', minimum: 0, description }, options);

/** A business date, YYYY-MM-DD. */
export const DateProperty = (description: string, options: ApiPropertyOptions = {}) =>
  property({ type: 'string', format: 'date', description }, options);

/** An instant, ISO 8601. */
export const InstantProperty = (description: string, options: ApiPropertyOptions = {}) =>
  property({ type: 'string', format: 'date-time', description }, options);

export const UuidProperty = (description: string, options: ApiPropertyOptions = {}) =>
  property({ type: 'string', format: 'uuid', description }, options);

export const TextProperty = (description: string, options: ApiPropertyOptions = {}) =>
  property({ type: 'string', description }, options);

/**
 * An object keyed by id (`{ [id]: T }`); the value's schema is registered with the class that holds
 * the map.
 */
export function MapProperty(
  description: string,
  of: Type<unknown>,
  options: ApiPropertyOptions = {},
): PropertyDecorator {
  return (target, key) => {
    ApiExtraModels(of)(target.constructor);
    property(
      { type: 'object', description, additionalProperties: { $ref: getSchemaPath(of) } },
      options,
    )(target, key);
  };
}

/**
 * Schemas that may carry more than the properties they list (RFC 9457 extension members); every
 * other object schema is closed.
 */
export const OPEN_SCHEMAS = new Set<string>();
export const OpenSchema = (): ClassDecorator => (target) => void OPEN_SCHEMAS.add(target.name);

/**
 * A UUID as `IsUuid()` accepts it: versions 1 to 8, RFC 4122 variant, in lower case (RFC 4122's
 * output form). Ids are compared as given, so one in upper case would be another customer's,
 * another payment's: it is refused, not folded (ADR 15).
 */
export const UUID_PATTERN =
  '^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';

/** class-validator: a UUID per UUID_PATTERN (IsUUID() would take upper case too). */
export const IsUuid = (options: ValidationOptions = {}): PropertyDecorator =>
  Matches(new RegExp(UUID_PATTERN), {
    message: '$property must be a UUID in lower case',
    ...options,
  });

/** The name of the Problem Details schema in `components.schemas` (responses.ts). */
export const PROBLEM_SCHEMA = 'ProblemDetails';
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

/**
 * What each error status means here (README "API conventions"); in every error case nothing is
 * written.
 */
export const PROBLEM_MEANING: Record<ProblemStatus, string> = {
  400: 'Invalid request: a malformed id or parameter, or invalid body fields (`errors` names every one)',
  401: 'No bearer token, or one that is expired, not signed by the issuer, or for another audience or issuer (`WWW-Authenticate: Bearer`)',
  403: "Outside the token's roles",
  404: 'Unknown id (in this tenant)',
  409: 'Not allowed in the current state',
  413: 'The body is larger than 256 KB',
  415: 'The body is not JSON in UTF-8 (Content-Type: application/json)',
  422: 'A billing rule forbids it; `detail` names the rule',
  429: 'Too many changes from this bearer token or client address; retry after `Retry-After` seconds',
  500: 'Internal error: nothing was written unless a retry shows it',
  503: 'Busy: retry after `Retry-After` seconds',
};

export const problemResponse = (description: string) => ({
  description,
  content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA}` } } },
});

/**
 * The operation's own error answers, each RFC 9457 Problem Details; `[status, text]` says what the
 * status means for this operation.
 */
export function ApiProblems(
  ...statuses: (ProblemStatus | [ProblemStatus, string])[]
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((entry) => {
      const [status, description] = Array.isArray(entry) ? entry : [entry, PROBLEM_MEANING[entry]];
      return ApiResponse({ status, ...problemResponse(description) });
    }),
  );
}

/** The response header of a paged list. */
export const TOTAL_COUNT_HEADER = {
  'X-Total-Count': {
    description: 'How many items match the filter, over all pages',
    schema: { type: 'integer', minimum: 0 },
  },
};

export interface BodyExample {
  summary: string;
  value: Record<string, unknown>;
}

/**
 * The request body's schema and named examples, each a body the operation accepts (the OpenAPI spec
 * posts them in scenario order).
 */
export const ApiBodyExamples = (type: Type<unknown>, examples: Record<string, BodyExample>) =>
  applyDecorators(
    ApiExtraModels(type),
    ApiBody({ required: true, schema: { $ref: getSchemaPath(type) }, examples }),
  );
