import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiPropertyOptional,
  ApiQuery,
  getSchemaPath,
} from '@nestjs/swagger';
import { invalidField } from './dto';
import { IsIn, IsOptional } from 'class-validator';
import { stringify } from 'csv-stringify/sync';
import type { Request, Response } from 'express';

// CSV exports of the finance queries: RFC 4180 (comma, double quotes doubled, CRLF, a header line),
// written by csv-stringify; the same rows and fields as the JSON answer, amounts in minor units.

export const CSV_MEDIA_TYPE = 'text/csv';
export const FORMATS = ['json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];
const FORMAT_TEXT =
  '`csv`: the answer as RFC 4180 CSV (as `Accept: text/csv` asks); `json` (the default)';

/**
 * `?format=`: `csv` answers CSV whatever `Accept` says, `json` answers JSON; absent, `Accept:
 * text/csv` asks for CSV.
 */
export const FormatProperty = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ enum: FORMATS, description: FORMAT_TEXT }),
    IsOptional(),
    IsIn(FORMATS),
  );

/**
 * `?format=` of a handler that reads its query parameters one by one (`@Query('format')`):
 * documented here, checked by `formatOf`.
 */
export const ApiFormatQuery = () =>
  ApiQuery({
    name: 'format',
    required: false,
    description: FORMAT_TEXT,
    schema: { type: 'string', enum: [...FORMATS] },
  });

/**
 * `?format=` read one by one: absent, `json` or `csv`; anything else (twice given, another word) is
 * a 400.
 */
export function formatOf(value: unknown): Format | undefined {
  if (value === undefined || value === 'json' || value === 'csv') return value;
  throw invalidField('format', 'format must be json or csv');
}

/**
 * A query DTO of its own with only `format` (for queries whose other parameters are read one by
 * one).
 */
export class FormatQuery {
  @FormatProperty() format?: Format;
}

/**
 * Whether the request asks for CSV: `?format=` first, else content negotiation between JSON
 * (preferred on a tie) and CSV.
 */
export function wantsCsv(request: Request, format?: string): boolean {
  if (format !== undefined) return format === 'csv';
  return request.accepts(['application/json', CSV_MEDIA_TYPE]) === CSV_MEDIA_TYPE;
}

/**
 * The rows as RFC 4180 CSV under a header of `columns` (values taken by those names), with
 * `Content-Type: text/csv` and a file name.
 */
export function csvAnswer(
  response: Response,
  name: string,
  columns: readonly string[],
  rows: readonly object[],
): string {
  response.setHeader('Content-Type', `${CSV_MEDIA_TYPE}; charset=utf-8; header=present`);
  response.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  return stringify(rows as Record<string, unknown>[], {
    header: true,
    columns: columns.map((key) => ({ key, header: key })),
    record_delimiter: 'windows',
    // RFC 4180 quotes a field with CR or LF; csv-stringify alone quotes only the record delimiter
    // (CRLF), and a bare LF or CR would start a row of its own in a reader (and a formula in it).
    quoted_match: /[\r\n]/,
    cast: { boolean: (value) => String(value), string: neutralised },
  });
}

/**
 * OWASP "CSV Injection": a text a spreadsheet would run as a formula (=, +, -, @ first, also after
 * spaces or line breaks some readers trim; tab, CR or LF first) is written after an apostrophe.
 * Numbers are not text, nor is a decimal the JSON gives as a string (`-19.00`): a spreadsheet reads
 * it as the number it is.
 */
function neutralised(text: string): string {
  if (/^-?\d+(\.\d+)?$/.test(text)) return text;
  return /^(\s*[=+\-@]|[\t\r\n])/.test(text) ? `'${text}` : text;
}

interface CsvOkOptions {
  type: Type<unknown>;
  isArray?: boolean;
  description: string;
  headers?: Record<string, unknown>;
  /** The CSV's header line and a row or two, as the document shows it. */
  example: string;
}

/**
 * The 200 answer in both media types: the JSON schema of `type`, and CSV (documented as text with
 * an example).
 */
export function ApiOkJsonOrCsv({
  type,
  isArray,
  description,
  headers,
  example,
}: CsvOkOptions): MethodDecorator {
  const schema = isArray
    ? { type: 'array', items: { $ref: getSchemaPath(type) } }
    : { $ref: getSchemaPath(type) };
  const csv = {
    type: 'string',
    description:
      "RFC 4180 CSV with a header line: the same rows as the JSON answer, amounts in minor units; a text a spreadsheet would run as a formula (starting with `=`, `+`, `-` or `@`, after spaces too, or with a tab, CR or LF) is written after an apostrophe (`'+1+2`), decimals such as `-19.00` as they are",
  };
  return applyDecorators(
    ApiExtraModels(type),
    ApiOkResponse({
      description,
      headers: headers as never,
      content: { 'application/json': { schema }, [CSV_MEDIA_TYPE]: { schema: csv, example } },
    }),
  );
}
