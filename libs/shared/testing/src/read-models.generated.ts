import type { FindOptions } from '@billing/shared/read-models';

/**
 * Random documents and queries for the read-model equivalence check: scalar fields of one type
 * each (plus null and missing), one field of mixed types, and queries from the port's subset.
 */
export interface Generated {
  docs: Record<string, unknown>[];
  queries: { query: Record<string, unknown>; options: FindOptions }[];
}

type Random = () => number;

const STRINGS = ['', 'a', 'A', 'ab', 'b', 'B', 'a b', 'é', 'z'];
const DATES = ['2025-12-31', '2026-01-05', '2026-01-31', '2026-02-14', '2026-03-01', '2026-03-02'];
/**
 * Fields of one type each (plus null and missing): a sort compares like with like
 * (sqlite.query.ts).
 */
const SORTABLE = ['s', 'n', 'f', 'd', 'o.k'];
const OPS = ['eq', '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists'];

/** Mulberry32: the same seed gives the same documents and queries on every run and adapter. */
function seeded(seed: number): Random {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, values: readonly T[]): T =>
  values[Math.floor(random() * values.length)];
const int = (random: Random) => Math.floor(random() * 7) - 3;

const MIXED = ['', 'a', '1', 0, 1, 2, true, false];
const VALUES: Record<string, (random: Random) => unknown> = {
  s: (random) => pick(random, STRINGS),
  n: (random) => (random() < 0.2 ? int(random) + 0.5 : int(random)),
  f: (random) => random() < 0.5,
  d: (random) => pick(random, DATES),
  m: (random) => pick(random, MIXED),
  'o.k': (random) => pick(random, STRINGS),
  _id: (random) => `d${String(Math.floor(random() * 220)).padStart(3, '0')}`,
};

/**
 * A value to query a path with: mostly of its own type, sometimes null, sometimes of another type.
 */
function valueOf(random: Random, path: string): unknown {
  const roll = random();
  if (roll < 0.1) return null;
  return roll < 0.2 ? pick(random, MIXED) : VALUES[path](random);
}

function doc(random: Random, index: number): Record<string, unknown> {
  const doc: Record<string, unknown> = { _id: `d${String(index).padStart(3, '0')}`, _position: 1 };
  for (const path of ['s', 'n', 'f', 'm', 'd']) {
    const roll = random();
    if (roll < 0.15) doc[path] = null;
    else if (roll < 0.85) doc[path] = VALUES[path](random);
  }
  const o = random();
  if (o < 0.6) doc['o'] = { k: random() < 0.2 ? null : VALUES['o.k'](random) };
  else if (o < 0.7) doc['o'] = 'flat';
  return doc;
}

function condition(random: Random): Record<string, unknown> {
  const path = pick(random, [...SORTABLE, 'm', '_id']);
  const op = pick(random, OPS);
  if (op === 'eq') return { [path]: valueOf(random, path) };
  if (op === '$exists') return { [path]: { $exists: random() < 0.5 } };
  if (op === '$in' || op === '$nin')
    return {
      [path]: {
        [op]: [valueOf(random, path), valueOf(random, path), valueOf(random, path)].slice(
          0,
          1 + Math.floor(random() * 3),
        ),
      },
    };
  if (op.startsWith('$g') && random() < 0.5)
    return {
      [path]: {
        [op]: valueOf(random, path),
        [pick(random, ['$lt', '$lte'])]: valueOf(random, path),
      },
    };
  return { [path]: { [op]: valueOf(random, path) } };
}

function query(random: Random): Record<string, unknown> {
  const shape = random();
  if (shape < 0.05) return {};
  if (shape < 0.5) return condition(random);
  if (shape < 0.7)
    return {
      $or: [condition(random), condition(random), condition(random)].slice(
        0,
        2 + Math.floor(random() * 2),
      ),
    };
  if (shape < 0.85) return { $and: [condition(random), condition(random)] };
  return { ...condition(random), $or: [condition(random), condition(random)] };
}

function options(random: Random): FindOptions {
  if (random() < 0.25) return {};
  const sort = Object.fromEntries(
    [pick(random, SORTABLE), pick(random, SORTABLE)]
      .slice(0, 1 + Math.floor(random() * 2))
      .map((path) => [path, pick(random, [1, -1] as const)]),
  );
  return random() < 0.5
    ? { sort }
    : { sort, skip: Math.floor(random() * 30), limit: 1 + Math.floor(random() * 40) };
}

export function generated(seed: number, docCount = 200, queryCount = 50): Generated {
  const random = seeded(seed);
  const docs = Array.from({ length: docCount }, (_, index) => doc(random, index));
  return {
    docs,
    queries: Array.from({ length: queryCount }, () => ({
      query: query(random),
      options: options(random),
    })),
  };
}
