import {
  sortedAfter,
  type Doc,
  type SortValue,
  type TenantReadModels,
} from '@billing/shared/read-models';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { integerOf, invalidField } from './dto';
import { TOTAL_COUNT_HEADER } from './openapi';

/**
 * `?limit=&offset=` of a list: at most 1000 at a time, 100 by default; the list answers
 * `X-Total-Count`.
 */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Transform(({ value }) => integerOf(value))
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0 })
  @IsOptional()
  @Transform(({ value }) => integerOf(value))
  @IsInt()
  @Min(0)
  offset?: number;
}

/** A cursor as `encode` makes it: at most CURSOR_VALUES_MAX characters of JSON, in base64url. */
const CURSOR = /^[A-Za-z0-9_-]{1,16000}$/;

/**
 * A list of read-model documents, paged by `offset` or by `after`: the cursor the previous page's
 * `Link: <…>; rel="next"` carries, which starts the page right after the last document of the one
 * before however the list changed in between.
 */
export class ListQuery extends PageQuery {
  @ApiPropertyOptional({
    description:
      'Start after this position: the cursor of the previous page\'s `Link` header (`rel="next"`); not with `offset`',
    pattern: CURSOR.source,
  })
  @IsOptional()
  @Matches(CURSOR, { message: 'after must be the cursor of a Link header (rel="next")' })
  after?: string;
}

/** The response headers of a list paged by `page`. */
export const LIST_HEADERS = {
  ...TOTAL_COUNT_HEADER,
  Link: {
    description:
      'When the page is full: `<…>; rel="next"`, the same request for the page after it (by cursor)',
    schema: { type: 'string' },
  },
};

/**
 * One page of a tenant's collection in `sort` order (ascending fields, ties by `_id`), with the
 * total count in `X-Total-Count` and, when the page is full, a `Link` to the next by cursor. A
 * cursor is the sort's values of the page's last document: the next page holds what sorts after
 * it, so a document that enters or leaves the filter between two pages (a draft issued) moves no
 * other from one page to another, as it does with `offset`.
 */
export async function page<T>(
  readModels: TenantReadModels,
  response: Response,
  collection: string,
  query: Record<string, unknown>,
  sort: Record<string, 1>,
  { limit = 100, offset, after }: ListQuery,
  /**
   * The cursor names the last document by id only, never its sort values: for a sort on what the
   * caller must not read (the store's positions of the audit index).
   */
  { cursorById = false } = {},
): Promise<Doc<T>[]> {
  if (after !== undefined && offset !== undefined)
    throw invalidField('offset', 'offset cannot be given with after');
  const keys = [...Object.keys(sort).filter((key) => key !== '_id'), '_id'];
  const order = Object.fromEntries(keys.map((key) => [key, 1 as const]));
  const from =
    after === undefined
      ? query
      : {
          $and: [
            query,
            sortedAfter(keys, await valuesOf(after, keys, readModels, collection, cursorById)),
          ],
        };
  response.setHeader('X-Total-Count', String(await readModels.count(collection, query)));
  const docs = await readModels.find<T>(collection, from, { sort: order, skip: offset, limit });
  if (docs.length === limit) {
    const last = docs[docs.length - 1] as Record<string, unknown>;
    const cursor = cursorById ? byId(last) : encode(keys, last);
    response.setHeader('Link', `<${nextUrl(response, cursor)}>; rel="next"`);
  }
  return docs;
}

/**
 * Longest sort values a cursor carries as they are: beyond, it names the last document by id and
 * the next page reads its values (two titles of 2,000 characters would make a Link, and the request
 * following it, longer than the 16 KB of headers a server or a client takes).
 */
const CURSOR_VALUES_MAX = 2_000;

function encode(keys: string[], last: Record<string, unknown>): string {
  const values = JSON.stringify(keys.map((key) => last[key] ?? null));
  if (values.length > CURSOR_VALUES_MAX) return byId(last);
  return Buffer.from(values).toString('base64url');
}

const byId = (last: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ id: last._id })).toString('base64url');

/** The sort values a cursor carries, or those of the document it names (`{ id }`). */
async function valuesOf(
  cursor: string,
  keys: string[],
  readModels: TenantReadModels,
  collection: string,
  /** Only a cursor naming a document: sort values sent as they are would be taken as given. */
  byIdOnly: boolean,
): Promise<SortValue[]> {
  const carried = parsed(cursor);
  const named = carried as { id?: unknown } | undefined;
  if (typeof named !== 'object' || named === null || Array.isArray(named)) {
    if (byIdOnly) throw notACursor();
    return sortValues(carried, keys);
  }
  if (typeof named.id !== 'string') throw notACursor();
  const last = await readModels.get<Record<string, unknown>>(collection, named.id);
  if (!last)
    throw invalidField(
      'after',
      'the item this cursor follows is gone: start again from the first page',
    );
  return sortValues(
    keys.map((key) => last[key] ?? null),
    keys,
  );
}

function parsed(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined; // not JSON: sortValues refuses it
  }
}

/** The values of the sort's keys, the last (`_id`) a string, or 400. */
function sortValues(values: unknown, keys: string[]): SortValue[] {
  // A number JSON reads as Infinity (1e400) is none: no store orders by it.
  const scalar = (value: unknown) =>
    value === null ||
    ['string', 'boolean'].includes(typeof value) ||
    (typeof value === 'number' && Number.isFinite(value));
  if (
    !Array.isArray(values) ||
    values.length !== keys.length ||
    !values.every(scalar) ||
    typeof values.at(-1) !== 'string'
  )
    throw notACursor();
  return values as SortValue[];
}

const notACursor = () =>
  invalidField('after', "after must be the cursor of this list's Link header");

/** The request's own URL with `after` set to the cursor (and no `offset`). */
function nextUrl(response: Response, cursor: string): string {
  const url = new URL(response.req.originalUrl, 'http://localhost');
  url.searchParams.delete('offset');
  url.searchParams.set('after', cursor);
  return `${url.pathname}${url.search}`;
}
