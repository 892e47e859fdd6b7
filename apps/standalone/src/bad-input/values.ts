import fc from 'fast-check';
import { FORMATS } from './formats';
import type { Schema } from './openapi';

/** A value the schema's field refuses, and why: every arbitrary here makes only such values. */
export interface Bad {
  value: unknown;
  why: string;
}

const SAMPLE_STRINGS: Record<string, string> = {
  date: '2026-02-03',
  // After the seeded events: an audit view at this instant shows them (before it, it answers 404).
  'date-time': '2099-01-01T00:00:00Z',
  uuid: '0b5c3bb4-6f0a-4d8e-9a52-6f1d2c3e4a5b',
  email: 'ap@example.com',
};

/** A value the schema accepts: its example, its first enum value, or the plainest of its type. */
export function sample(schema: Schema): unknown {
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.enum[0];
  if (schema.type === 'object')
    return Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([name, property]) => [name, sample(property)]),
    );
  if (schema.type === 'array')
    return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () =>
      sample(schema.items ?? {}),
    );
  if (schema.type === 'integer' || schema.type === 'number')
    return Math.min(Math.max(1, schema.minimum ?? 1), schema.maximum ?? Number.MAX_SAFE_INTEGER);
  if (schema.type === 'boolean') return true;
  return SAMPLE_STRINGS[schema.format ?? ''] ?? 'x'.repeat(Math.max(1, schema.minLength ?? 1));
}

const bad =
  (why: string) =>
  (value: unknown): Bad => ({ value, why });
const named = (why: string, values: unknown[]) => fc.constantFrom(...values).map(bad(why));

/** Every kind of value the schema refuses, weighted evenly by kind. */
export function badValue(schema: Schema): fc.Arbitrary<Bad> {
  return fc.oneof(wrongType(schema), ...specific(schema));
}

/** A JSON value of another type (null too: no schema of this API is nullable). */
function wrongType(schema: Schema): fc.Arbitrary<Bad> {
  const others: Record<string, unknown[]> = {
    string: [0, 7, -1.5, true, false, null, {}, [], ['x']],
    integer: [
      '1',
      '0',
      'NaN',
      'Infinity',
      '-Infinity',
      '1e3',
      '0x10',
      '',
      ' 1',
      true,
      false,
      null,
      {},
      [],
      [1],
    ],
    number: ['1.5', '0', 'NaN', 'Infinity', '', true, false, null, {}, [], [1]],
    boolean: ['true', 'false', 0, 1, 'yes', null, {}, []],
    array: [{}, 'x', 1, true, null, { 0: sample(schema.items ?? {}) }],
    object: [[], [sample(schema)], 'x', 1, true, null],
  };
  return named(
    `not a ${schema.type ?? 'string'}`,
    others[schema.type ?? 'string'] ?? others.string,
  );
}

function specific(schema: Schema): fc.Arbitrary<Bad>[] {
  if (schema.type === 'integer') return [fraction, beyondSafe, ...rangeFlaws(schema)];
  if (schema.type === 'number') return [beyondSafe, ...rangeFlaws(schema)];
  if (schema.type === 'array' && (schema.minItems ?? 0) > 0)
    return [named(`fewer than ${schema.minItems} items`, [[]])];
  if (schema.type !== undefined && schema.type !== 'string') return [];
  return stringFlaws(schema);
}

/** Beyond ±(2^53 − 1) no double is an exact integer: no amount in minor units can be one. */
const beyondSafe = fc
  .oneof(
    fc
      .bigInt({ min: 2n ** 53n, max: 10n ** 30n })
      .chain((big) => fc.constantFrom(Number(big), -Number(big))),
    fc.constantFrom(2 ** 53, -(2 ** 53), 1e21, 1e300, -1e300, Number.MAX_VALUE),
  )
  .map(bad('beyond the safe integers'));

const fraction = fc
  .double({ min: -1e9, max: 1e9, noNaN: true })
  .filter((n) => !Number.isInteger(n))
  .map(bad('a fraction'));

function rangeFlaws(schema: Schema): fc.Arbitrary<Bad>[] {
  const flaws: fc.Arbitrary<Bad>[] = [];
  if (schema.minimum !== undefined)
    flaws.push(
      fc
        .integer({ min: schema.minimum - 1e9, max: schema.minimum - 1 })
        .map(bad(`below ${schema.minimum}`)),
    );
  if (schema.maximum !== undefined)
    flaws.push(
      fc
        .integer({ min: schema.maximum + 1, max: schema.maximum + 1e9 })
        .map(bad(`above ${schema.maximum}`)),
    );
  return flaws;
}

function stringFlaws(schema: Schema): fc.Arbitrary<Bad>[] {
  const flaws: fc.Arbitrary<Bad>[] = [];
  const constrained =
    schema.format !== undefined || schema.enum !== undefined || schema.pattern !== undefined;
  if (constrained || (schema.minLength ?? 0) > 0) flaws.push(named('empty', ['']));
  if (schema.format && FORMATS[schema.format])
    flaws.push(FORMATS[schema.format].map(bad(`not a ${schema.format}`)));
  // Anything after a whole date, instant or UUID makes it none (not so for an e-mail address).
  if (schema.format && ['date', 'date-time', 'uuid'].includes(schema.format))
    flaws.push(
      fc
        .string({ minLength: 1, maxLength: 40 })
        .map((tail) => bad(`a ${schema.format} and more`)(`${sample(schema) as string}${tail}`)),
    );
  if (schema.enum)
    flaws.push(notIn(schema.enum.map(String)).map(bad(`not one of ${schema.enum.join(', ')}`)));
  if (schema.pattern)
    flaws.push(notMatching(new RegExp(schema.pattern)).map(bad(`not matching ${schema.pattern}`)));
  if (schema.maxLength !== undefined)
    flaws.push(
      fc
        .integer({ min: schema.maxLength + 1, max: schema.maxLength + 1000 })
        .map((length) => bad(`longer than ${schema.maxLength}`)('x'.repeat(length))),
    );
  return flaws;
}

/**
 * Text a path or query parameter of this schema refuses; undefined when the schema refuses no text.
 */
export function badText(schema: Schema): fc.Arbitrary<Bad> | undefined {
  if (schema.type === 'integer')
    return fc.oneof(
      named('not an integer', NOT_INTEGERS),
      ...[beyondSafe, ...rangeFlaws(schema)].map((flaw) =>
        flaw.map(({ value, why }) => ({ value: textOf(value), why })),
      ),
    );
  if (schema.type === 'boolean') return named('not a boolean', ['', 'yes', '1', 'TRUE ', 'null']);
  const flaws = stringFlaws(schema);
  return flaws.length > 0 ? fc.oneof(...flaws) : undefined;
}

/**
 * Query text that is no integer literal (`/^-?\d+$/`): what `Number()` would still read as a
 * number, and more.
 */
const NOT_INTEGERS = [
  '',
  'abc',
  '1.5',
  '5.0',
  '1e2',
  '0x10',
  '0b1',
  ' 5',
  '5 ',
  '+5',
  'NaN',
  'Infinity',
  'true',
  'null',
  '[]',
  '１',
  '٣',
];

const textOf = (value: unknown) =>
  typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value)
    ? BigInt(value).toString()
    : String(value);

const notIn = (values: string[]) =>
  fc
    .oneof(
      fc
        .constantFrom(...values)
        .chain((value) =>
          fc.constantFrom(
            value.toUpperCase(),
            ` ${value}`,
            `${value} `,
            `${value}s`,
            value.slice(1),
          ),
        ),
      fc.string({ maxLength: 20 }),
    )
    .filter((candidate) => !values.includes(candidate));

const notMatching = (pattern: RegExp) =>
  fc.string({ maxLength: 20 }).filter((candidate) => !pattern.test(candidate));
