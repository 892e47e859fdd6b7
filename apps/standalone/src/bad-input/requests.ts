import fc from 'fast-check';
import type { Operation, Parameter } from './openapi';
import { badBody, validBody, type BadBody } from './bodies';
import { badText, sample } from './values';

/** One HTTP request, malformed by construction; `why` names the flaw. */
export interface BadRequest {
  method: Operation['method'];
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  why: string;
  /** The body field the flaw is in, when it is one. */
  field?: string;
}

/** The value a path parameter has in the seeded state: an existing contract, invoice, account… */
export type RealValue = (operation: Operation, parameter: string) => string;

type Query = [name: string, value: string][];
interface Flaw {
  /** Path parameters that replace the real ones, raw (already encoded, or deliberately not). */
  path?: Record<string, string>;
  query?: (base: Query) => Query;
  body?: BadBody;
  why: string;
  field?: string;
}

/** Raw path segments no URI decoder accepts. */
const BAD_ENCODINGS = ['%', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80'];

/** Requests to the operation, each with one flaw: in a path parameter, the query or the body. */
export function badRequests(operation: Operation, real: RealValue): fc.Arbitrary<BadRequest> {
  const flaws = [...pathFlaws(operation), ...queryFlaws(operation)];
  // A command's body is where most can be wrong: it gets three requests in four.
  const others = flaws.reduce((total, flaw) => total + flaw.weight, 0);
  if (operation.body)
    flaws.push({
      arbitrary: badBody(operation.body).map((body) => ({
        body,
        why: body.why,
        field: body.field,
      })),
      weight: 3 * Math.max(1, others),
    });
  else if (operation.method !== 'get')
    flaws.push({
      arbitrary: fc.constant<Flaw>({ why: 'no body and no Content-Type', body: { why: '' } }),
      weight: 1,
    });
  if (flaws.length === 0)
    throw new Error(
      `${operation.key}: the document gives nothing to make malformed; skip it explicitly`,
    );
  // One request in four carries an Idempotency-Key: a refused request must store no answer under it
  // either.
  const key = fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.uuid() },
  );
  return fc
    .tuple(fc.oneof(...flaws), baseQuery(operation), key)
    .map(([flaw, query, idempotencyKey]) => assemble(operation, real, flaw, query, idempotencyKey));
}

function assemble(
  operation: Operation,
  real: RealValue,
  flaw: Flaw,
  base: Query,
  key: string | null,
): BadRequest {
  const path = operation.path.replace(
    /\{(\w+)\}/g,
    (_, name: string) => flaw.path?.[name] ?? encodeURIComponent(real(operation, name)),
  );
  const query = (flaw.query ?? ((same: Query) => same))(base);
  const url =
    query.length > 0
      ? `${path}?${query.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&')}`
      : path;
  const body = flaw.body ?? (operation.body ? validBody(operation.body) : undefined);
  const headers: Record<string, string> = {
    ...(body?.contentType && { 'content-type': body.contentType }),
    ...(key && { 'idempotency-key': key }),
  };
  const request = {
    method: operation.method,
    url,
    headers,
    body: body?.body,
    why: flaw.why,
    field: flaw.field,
  };
  return Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) });
}

export function describeRequest({ method, url, headers, body, why }: BadRequest): string {
  const shown =
    body === undefined
      ? ''
      : ` ${String(body).slice(0, 300)}${body.length > 300 ? `… (${body.length} bytes)` : ''}`;
  return `${method.toUpperCase()} ${url.slice(0, 300)} [${headers['content-type'] ?? 'no content-type'}]${shown} — ${why}`;
}

/** A bad value for each path parameter with a format, and a broken percent-encoding for any. */
function pathFlaws(operation: Operation): fc.WeightedArbitrary<Flaw>[] {
  return operation.pathParams.flatMap((parameter) => {
    const broken = fc.constantFrom(...BAD_ENCODINGS).map((raw) => ({
      path: { [parameter.name]: raw },
      why: `path ${parameter.name}: broken percent-encoding`,
    }));
    // An empty segment is no value of the parameter but another path (`/contracts/` is the list).
    const text = badText(parameter.schema ?? {});
    const bad = text
      ?.filter(({ value }) => String(value) !== '')
      .map(({ value, why }) => ({
        path: { [parameter.name]: encodeURIComponent(String(value)) },
        why: `path ${parameter.name}: ${why}`,
      }));
    const flaws: fc.WeightedArbitrary<Flaw>[] = [{ arbitrary: broken, weight: 1 }];
    if (bad) flaws.push({ arbitrary: bad, weight: 3 });
    return flaws;
  });
}

/**
 * For each query parameter: a bad value, given twice, left out when required; and a parameter the
 * operation does not have.
 */
function queryFlaws(operation: Operation): fc.WeightedArbitrary<Flaw>[] {
  const declared = operation.queryParams.map((parameter) => parameter.name);
  const unknown = fc
    .tuple(
      fc.oneof(
        fc.constantFrom(
          'colour',
          'LIMIT',
          'tenant',
          '__proto__',
          'constructor',
          'toString',
          'as_of',
        ),
        fc.string({ minLength: 1, maxLength: 12 }),
      ),
      fc.string({ maxLength: 12 }),
    )
    .filter(([name]) => !declared.includes(name))
    .map(([name, value]): Flaw => ({
      query: (base) => [...base, [name, value]],
      why: `query ${name}: not a parameter of this operation`,
    }));
  return [{ arbitrary: unknown, weight: 1 }, ...operation.queryParams.flatMap(parameterFlaws)];
}

function parameterFlaws(parameter: Parameter): fc.WeightedArbitrary<Flaw>[] {
  const { name } = parameter;
  const without = (base: Query) => base.filter(([other]) => other !== name);
  const twice = fc.constant<Flaw>({
    query: (base) => [
      ...without(base),
      [name, textSample(parameter)],
      [name, textSample(parameter)],
    ],
    why: `query ${name}: given twice`,
  });
  const flaws: fc.WeightedArbitrary<Flaw>[] = [{ arbitrary: twice, weight: 1 }];
  if (parameter.required)
    flaws.push({
      arbitrary: fc.constant({ query: without, why: `query ${name}: missing (required)` }),
      weight: 1,
    });
  const bad = badText(parameter.schema ?? {});
  if (bad)
    flaws.push({
      arbitrary: bad.map(({ value, why }) => ({
        query: (base: Query) => [...without(base), [name, String(value)]],
        why: `query ${name}: ${why}`,
      })),
      weight: 4,
    });
  return flaws;
}

/** The required query parameters with valid values, and some of the optional ones. */
function baseQuery(operation: Operation): fc.Arbitrary<Query> {
  const required = operation.queryParams.filter((parameter) => parameter.required);
  const optional = operation.queryParams.filter((parameter) => !parameter.required);
  return fc
    .subarray(optional)
    .map((chosen) =>
      [...required, ...chosen].map((parameter): [string, string] => [
        parameter.name,
        textSample(parameter),
      ]),
    );
}

const textSample = (parameter: Parameter) => String(sample(parameter.schema ?? {}));
