import { isUtf8 } from 'node:buffer';
import { createScanner, SyntaxKind } from 'jsonc-parser';
import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { sendProblem } from './problem-details.filter';
import { unprintableIn } from '@billing/shared/kernel';

/**
 * Largest body a command may carry: a contract with some hundred schedule lines fits many times
 * over.
 */
export const BODY_LIMIT_BYTES = 256 * 1024;
/** Deepest nesting a command may carry (ours go 3 levels deep). */
export const MAX_DEPTH = 16;
/**
 * Longest text a field may hold, in UTF-16 units: a description, an address or a reason fits many
 * times over. Documents lay text out as it comes, and a title of 200,000 characters kept one PDF
 * rendering (and so the whole process) busy for two and a half minutes.
 */
export const MAX_TEXT = 2_000;
/**
 * What every object inherits (`__proto__`, `constructor`, `toString`…): class-transformer drops
 * such a field instead of refusing it.
 */
const FORBIDDEN_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
const JSON_TYPE = /^application\/json$/i;

/**
 * Bodies before any handler sees them: a POST is JSON in UTF-8 (415 otherwise, so a browser's
 * cross-site text/plain form cannot run a command), at most 256 KB (413), a JSON object (400),
 * nested at most 16 levels, without prototype keys (400). Nulls, integers beyond 2^53 and text
 * longer than MAX_TEXT (`valueProblems`) are refused by the validation pipe, beside what the
 * command's DTO refuses. Every refusal is Problem Details.
 */
export function bodyGuards(): (
  | RequestHandler
  | ((error: unknown, request: Request, response: Response, next: NextFunction) => void)
)[] {
  return [
    requireJson,
    json({ limit: BODY_LIMIT_BYTES, strict: true, type: () => true, verify: readableJson }),
    checkShape,
    bodyErrors,
  ];
}

function requireJson(request: Request, response: Response, next: NextFunction): void {
  if (!['POST', 'PUT', 'PATCH'].includes(request.method)) return next();
  const [type, ...parameters] = (request.header('content-type') ?? '')
    .split(';')
    .map((part) => part.trim());
  const charset = parameters
    .find((parameter) => /^charset=/i.test(parameter))
    ?.slice(8)
    .replace(/"/g, '');
  if (!JSON_TYPE.test(type) || (charset !== undefined && !/^utf-8$/i.test(charset)))
    return sendProblem(response, 415, {
      type: 'urn:billing:unsupported-media-type',
      title: 'Unsupported media type',
      detail: 'a command is sent as Content-Type: application/json (UTF-8)',
    });
  next();
}

/**
 * An empty body is no JSON (body-parser would read it as {} and run the command); JSON is UTF-8
 * (RFC 8259), not U+FFFD for each bad byte.
 */
function readableJson(_request: Request, _response: Response, body: Buffer): void {
  const unreadable = body.length === 0 ? 'empty' : isUtf8(body) ? undefined : 'not UTF-8';
  const twice = unreadable ? undefined : duplicateField(body.toString('utf8'));
  const problem = unreadable
    ? `the body is ${unreadable}`
    : twice !== undefined &&
      `the body gives the field ${JSON.stringify(twice)} twice in one object`;
  if (problem)
    throw Object.assign(new Error(problem), {
      status: 400,
      type: 'entity.parse.failed',
      detail: problem,
    });
}

/**
 * The first field an object of the JSON `text` gives twice (escaped or not), if any: JSON.parse
 * keeps the last, and a proxy or a log that reads the first would see another request than the one
 * run. Read with jsonc-parser's scanner (flat, so a hostile depth cannot overflow the stack); past
 * MAX_DEPTH it stops, as checkShape refuses that depth. Malformed text is body-parser's to refuse.
 */
function duplicateField(text: string): string | undefined {
  const scanner = createScanner(text, true);
  // Per open object its fields so far; undefined for an array.
  const open: (Set<string> | undefined)[] = [];
  let fieldNext = false;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
      if (open.length === MAX_DEPTH) return undefined;
      open.push(token === SyntaxKind.OpenBraceToken ? new Set() : undefined);
    } else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken)
      open.pop();
    else if (token === SyntaxKind.StringLiteral && fieldNext) {
      const [fields, name] = [open.at(-1)!, scanner.getTokenValue()];
      if (fields.has(name)) return name;
      fields.add(name);
    }
    fieldNext =
      open.at(-1) !== undefined &&
      (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.CommaToken);
  }
  return undefined;
}

function checkShape(request: Request, response: Response, next: NextFunction): void {
  if (!['POST', 'PUT', 'PATCH'].includes(request.method)) return next();
  const body: unknown = request.body;
  const problem =
    typeof body !== 'object' || body === null || Array.isArray(body)
      ? { message: NOT_AN_OBJECT }
      : structureProblem(body);
  if (!problem) return next();
  const { field, message } = problem;
  // As the validation pipe's 400 does (API conventions), `errors` names the field.
  const errors = field === undefined ? {} : { errors: [{ field, messages: [message] }] };
  sendProblem(response, 400, {
    type: 'urn:billing:validation',
    title: 'Invalid request',
    detail: field === undefined ? message : `${field}: ${message}`,
    ...errors,
  });
}

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * What no handler may see, before class-transformer reads the body: nesting deeper than MAX_DEPTH
 * (walked without recursion: a hostile depth cannot overflow the stack here) or a prototype key.
 */
function structureProblem(body: object): { field?: string; message: string } | undefined {
  const pending: { value: unknown; depth: number; path: string }[] = [
    { value: body, depth: 1, path: '' },
  ];
  while (pending.length > 0) {
    const { value, depth, path } = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DEPTH)
      return { field: path.slice(0, -1), message: `nested deeper than ${MAX_DEPTH} levels` };
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key))
        return { field: `${path}${key}`, message: 'this field name is not allowed' };
      pending.push({
        value: (value as Record<string, unknown>)[key],
        depth: depth + 1,
        path: `${path}${key}.`,
      });
    }
  }
  return undefined;
}

/**
 * Every null, inexact number and unacceptable text of a body the structure check passed, by dotted
 * path: the validation pipe names them with the fields its DTO refuses, in one 400.
 */
export function valueProblems(body: unknown, path = ''): FieldProblem[] {
  const own = valueProblem(body);
  if (own) return [{ field: path, message: own }];
  if (typeof body !== 'object' || body === null) return [];
  return Object.entries(body).flatMap(([key, value]) =>
    valueProblems(value, path ? `${path}.${key}` : key),
  );
}

/**
 * No field of a command is nullable (a field is given or left out; @IsOptional would take null for
 * absent), and no number is beyond the integers a double holds exactly (amounts are minor units).
 */
function valueProblem(value: unknown): string | undefined {
  if (value === null) return 'null is not a value here; leave the field out';
  if (typeof value === 'number' && Math.abs(value) > Number.MAX_SAFE_INTEGER)
    // Not quoted: JSON.parse rounded it already (2^53 + 1 reads as 2^53), so the number named
    // would not be the one sent.
    return `a number beyond the exact integers (±${Number.MAX_SAFE_INTEGER})`;
  if (typeof value === 'string') return textProblem(value);
  return undefined;
}

/**
 * White space, format characters (zero-width space and joiners, soft hyphen…) and combining marks
 * with no letter to sit on (accents; not the spacing marks some scripts print as signs): nothing a
 * reader sees.
 */
const INVISIBLE_ONLY = /^[\p{White_Space}\p{Cf}\p{Mn}\p{Me}]+$/u;

function textProblem(text: string): string | undefined {
  if (text.length > MAX_TEXT)
    return `the text is ${text.length} characters long: at most ${MAX_TEXT}`;
  if (INVISIBLE_ONLY.test(text))
    return 'the text is only white space (or marks with no letter): leave the field out, or say something';
  const unprintable = unprintableIn(text);
  if (unprintable)
    return `the text holds ${unprintable}, a control or direction character: text may hold tabs and line breaks only`;
  return undefined;
}

const NOT_AN_OBJECT = 'the body must be a JSON object ({} when the command has no fields)';

/**
 * JSON, but not an object or array: what body-parser's strict mode refuses as if it were malformed
 * (`null`, `42`, `"text"`).
 */
function isJsonScalar(text: string): boolean {
  if (/^\s*[[{]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * body-parser's refusals (too large, malformed JSON, an unsupported encoding) as Problem Details.
 */
function bodyErrors(
  error: unknown,
  _request: Request,
  response: Response,
  next: NextFunction,
): void {
  const { type, status } = (error ?? {}) as { type?: string; status?: number };
  if (type === 'entity.too.large')
    return sendProblem(response, 413, {
      type: 'urn:billing:too-large',
      title: 'Body too large',
      detail: `a body is at most ${BODY_LIMIT_BYTES} bytes`,
    });
  if (type === 'entity.parse.failed') {
    // Ours (readableJson) says what is wrong; body-parser's own says where JSON.parse stopped.
    const { body, detail: ours } = error as { body?: unknown; detail?: string };
    const detail =
      ours ??
      (typeof body === 'string' && isJsonScalar(body)
        ? NOT_AN_OBJECT
        : 'the body is not valid JSON');
    return sendProblem(response, 400, {
      type: 'urn:billing:validation',
      title: 'Invalid request',
      detail,
    });
  }
  if (type === 'charset.unsupported' || type === 'encoding.unsupported')
    return sendProblem(response, 415, {
      type: 'urn:billing:unsupported-media-type',
      title: 'Unsupported media type',
      detail: 'the body must be UTF-8 JSON',
    });
  if (typeof status === 'number' && status >= 400 && status < 500)
    return sendProblem(response, status, {
      type: 'urn:billing:bad-request',
      title: 'Bad request',
      detail: 'the body could not be read',
    });
  next(error);
}
