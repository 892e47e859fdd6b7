import fc from 'fast-check';
import { BODY_LIMIT_BYTES, MAX_DEPTH } from '@billing/shared/nest';
import type { Schema } from './openapi';
import { badValue, sample } from './values';

/** A POST body malformed by construction: its bytes, its Content-Type, and why it is malformed. */
export interface BadBody {
  contentType?: string;
  body?: string | Buffer;
  why: string;
  /** The field the flaw is in (dotted path), when it is one field: the refusal must name it. */
  field?: string;
}

interface FieldFlaw {
  value: unknown;
  why: string;
  field: string;
}

type Path = (string | number)[];
interface Site {
  path: Path;
  schema: Schema;
}

export const JSON_TYPE = 'application/json';
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];
const TRICKY_NAMES = [
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  'toJSON',
  'then',
  'length',
  '',
  ' ',
  '0',
  '$where',
];

/**
 * Every flaw of a body of this schema: one field wrong, missing or unknown, or the document itself
 * wrong.
 */
export function badBody(schema: Schema): fc.Arbitrary<BadBody> {
  const field = fieldFlaw(schema).map(({ value, why, field }) => ({
    contentType: JSON_TYPE,
    body: JSON.stringify(value),
    why,
    field,
  }));
  return fc.oneof({ arbitrary: field, weight: 2 }, { arbitrary: documentFlaw(schema), weight: 1 });
}

/** The schema's sample body, valid but for the one thing the request is about. */
export const validBody = (schema: Schema): BadBody => ({
  contentType: JSON_TYPE,
  body: JSON.stringify(sample(schema)),
  why: 'a valid body',
});

function fieldFlaw(schema: Schema): fc.Arbitrary<FieldFlaw> {
  const base = sample(schema);
  const sites = sitesOf(schema);
  const objects = fc.constantFrom<Site>(
    { path: [], schema },
    ...sites.filter((site) => site.schema.type === 'object'),
  );
  const drops = [{ path: [], schema }, ...sites].flatMap((site) =>
    (site.schema.required ?? []).map((name) => [...site.path, name]),
  );
  const unknown = objects.chain((site) =>
    fc
      .tuple(unknownName(site.schema), fc.jsonValue({ maxDepth: 2 }))
      .map(([name, value]) => at(base, [...site.path, name], value, 'not a field')),
  );
  const prototypeKey = objects.chain((site) =>
    fc
      .constantFrom(...PROTOTYPE_KEYS)
      .map((name) => at(base, [...site.path, name], { polluted: true }, 'a prototype key')),
  );
  const tooDeep = objects.chain((site) =>
    fc
      .integer({ min: MAX_DEPTH + 1, max: 4 * MAX_DEPTH })
      .map((depth) => at(base, [...site.path, 'nested'], nested(depth), `nested ${depth} deep`)),
  );
  const flaws: fc.WeightedArbitrary<FieldFlaw>[] = [unknown, prototypeKey, tooDeep].map(
    (arbitrary) => ({ arbitrary, weight: 1 }),
  );
  const wrong = sites.map((site) =>
    badValue(site.schema).map(({ value, why }) => at(base, site.path, value, why)),
  );
  if (wrong.length > 0) flaws.push({ weight: 6, arbitrary: fc.oneof(...wrong) });
  if (drops.length > 0)
    flaws.push({
      weight: 2,
      arbitrary: fc
        .constantFrom(...drops)
        .map((path) => at(base, path, undefined, 'missing (required)')),
    });
  return fc.oneof(...flaws);
}

/** Every place a value sits in a body: each property, and the first item of each array. */
function sitesOf(schema: Schema, path: Path = []): Site[] {
  const here: Site[] = path.length > 0 ? [{ path, schema }] : [];
  if (schema.type === 'object')
    return [
      ...here,
      ...Object.entries(schema.properties ?? {}).flatMap(([name, property]) =>
        sitesOf(property, [...path, name]),
      ),
    ];
  if (schema.type === 'array' && schema.items)
    return [...here, ...sitesOf(schema.items, [...path, 0])];
  return here;
}

const unknownName = (schema: Schema) =>
  fc
    .oneof(
      fc.constantFrom(...TRICKY_NAMES, ...Object.keys(schema.properties ?? {}).flatMap(variants)),
      fc.string({ maxLength: 16 }),
    )
    .filter(
      (name) => !Object.hasOwn(schema.properties ?? {}, name) && !PROTOTYPE_KEYS.includes(name),
    );

const variants = (name: string) => [
  name.toUpperCase(),
  `${name[0].toUpperCase()}${name.slice(1)}`,
  `${name} `,
  `${name}_`,
];

const nested = (depth: number): unknown => (depth <= 1 ? {} : { a: nested(depth - 1) });

/**
 * A copy of `base` with the value at `path` replaced (removed when undefined; own even for
 * `__proto__`).
 */
function at(base: unknown, path: Path, value: unknown, why: string): FieldFlaw {
  const copy = structuredClone(base);
  const parent = path.slice(0, -1).reduce<any>((node, step) => node[step], copy);
  const last = path[path.length - 1];
  if (value === undefined) delete parent[last];
  else
    Object.defineProperty(parent, last, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return { value: copy, why: `${path.join('.')}: ${why}`, field: path.join('.') };
}

const BAD_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'text/json',
  'application/json; charset=latin1',
  'application/json; charset=iso-8859-1',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonx',
  '*/*',
];

const INVALID_UTF8 = [
  [0xff],
  [0xc3, 0x28],
  [0xe2, 0x28, 0xa1],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

function documentFlaw(schema: Schema): fc.Arbitrary<BadBody> {
  const text = JSON.stringify(sample(schema));
  const json = (why: string) => (body: string | Buffer) => ({ contentType: JSON_TYPE, body, why });
  const flaws = [
    fc
      .constantFrom(...BAD_TYPES)
      .map((contentType) => ({ contentType, body: text, why: `Content-Type ${contentType}` })),
    fc.constant({ why: 'no body and no Content-Type' }),
    fc
      .integer({ min: 0, max: text.length - 1 })
      .map((length) => json('truncated JSON')(text.slice(0, length))),
    fc.constantFrom(...corruptions(text)).map(json('not JSON')),
    fc.constantFrom('null', 'true', '1', '"x"', '[]', `[${text}]`).map(json('not a JSON object')),
    fc
      .constantFrom(1_000, 10_000, 30_000)
      .map((depth) =>
        json(`JSON nested ${depth} deep`)(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
      ),
  ];
  const oversize = fc
    .integer({ min: BODY_LIMIT_BYTES + 1, max: BODY_LIMIT_BYTES + 65_536 })
    .map((size) => json(`${size} bytes`)(`${text.slice(0, -1)},"x":"${'x'.repeat(size)}"}`));
  const utf8 = invalidUtf8(schema);
  return fc.oneof(...flaws, { arbitrary: oversize, weight: 1 }, ...(utf8 ? [utf8] : []));
}

/** Near misses of the sample's JSON text that no JSON parser accepts. */
function corruptions(text: string): string[] {
  const open = text.slice(0, -1);
  const candidates = [
    `${open},}`,
    text.replace(/"/g, "'"),
    text.replace(/"(\w+)":/, '$1:'),
    `${open}${open.length > 1 ? ',' : ''}"x":NaN}`,
    `${text}}`,
    `${text}${text}`,
    `/* c */${text}`,
    `${text}\u0000`,
    '{',
    '{"',
    'undefined',
  ];
  return candidates.filter((candidate) => !parses(candidate));
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A string field whose bytes are not UTF-8 (RFC 8259: JSON text exchanged is UTF-8). */
function invalidUtf8(schema: Schema): fc.Arbitrary<BadBody> | undefined {
  const strings = sitesOf(schema).filter((site) => (site.schema.type ?? 'string') === 'string');
  if (strings.length === 0) return undefined;
  return fc
    .tuple(fc.constantFrom(...strings), fc.constantFrom(...INVALID_UTF8))
    .map(([site, bytes]) => {
      const marker = '\u0001MARK\u0001';
      const [before, after] = JSON.stringify(at(sample(schema), site.path, marker, '').value).split(
        JSON.stringify(marker).slice(1, -1),
      );
      return {
        contentType: JSON_TYPE,
        body: Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]),
        why: `${site.path.join('.')}: bytes that are not UTF-8`,
      };
    });
}
