/**
 * Translates the scalar subset of the Mongo query language (read-model.port.ts) to a SQL WHERE over
 * `doc` (JSON), written with the same json_extract text as the indexes so the planner uses them.
 * SQLite loses JSON types (json_extract gives true/false as 1/0, JSON null and a missing path both
 * as NULL), so each comparison also checks json_type: the results equal mingo's for string, number,
 * boolean and null values. A part outside the subset leaves the WHERE a superset (`exact: false`)
 * for the caller to filter with mingo.
 */
export type SqlValue = string | number | null;

export interface Where {
  sql: string;
  params: SqlValue[];
  exact: boolean;
}

export interface Field {
  value: string;
  type: string;
}

type Scalar = string | number | boolean | null;

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COLUMNS = new Map<string, Field>([
  ['_id', { value: 'id', type: "'text'" }],
  ['_position', { value: 'position', type: "'integer'" }],
]);
const TYPES = {
  string: "('text')",
  number: "('integer', 'real')",
  boolean: "('true', 'false')",
} as const;
const RANGES = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' } as const;

const ALL: Where = { sql: '1', params: [], exact: true };
const NONE: Where = { sql: '0', params: [], exact: true };
const SUPERSET: Where = { sql: '1', params: [], exact: false };

/** `_id` and `_position` are columns of their own, not paths in the document. */
export const isColumn = (path: string) => COLUMNS.has(path);

/**
 * The SQL of a dotted path's value and JSON type; undefined for a path outside
 * `[A-Za-z_][A-Za-z0-9_]*(.…)*`.
 */
export function field(path: string): Field | undefined {
  const column = COLUMNS.get(path);
  if (column) return column;
  const segments = path.split('.');
  if (COLUMNS.has(segments[0]) || !segments.every((segment) => SEGMENT.test(segment)))
    return undefined;
  return { value: `json_extract(doc, '$.${path}')`, type: `json_type(doc, '$.${path}')` };
}

export function where(query: Record<string, unknown>): Where {
  return and(Object.entries(query).map(([key, value]) => clause(key, value)));
}

/**
 * ORDER BY for a sort, `id` last so that ties keep one order; undefined when a path is outside the
 * subset.
 */
export function orderBy(sort: Record<string, 1 | -1> = {}): string | undefined {
  const keys = Object.entries(sort).map(([path, direction]) => {
    const sql = field(path);
    return sql && `${sql.value} ${direction === -1 ? 'DESC' : 'ASC'}`;
  });
  if (keys.some((key) => key === undefined)) return undefined;
  return [...keys, ...('_id' in sort ? [] : ['id ASC'])].join(', ');
}

function clause(key: string, value: unknown): Where {
  if (key === '$and')
    return Array.isArray(value) && value.every(isPlainObject) ? and(value.map(where)) : SUPERSET;
  if (key === '$or')
    return Array.isArray(value) && value.every(isPlainObject) ? or(value.map(where)) : SUPERSET;
  const sql = key.startsWith('$') ? undefined : field(key);
  if (!sql) return SUPERSET;
  if (isScalar(value)) return equals(sql, value);
  if (
    !isPlainObject(value) ||
    !Object.keys(value).every((op) => op.startsWith('$')) ||
    Object.keys(value).length === 0
  )
    return SUPERSET;
  return and(Object.entries(value).map(([op, operand]) => operator(sql, op, operand)));
}

function operator(sql: Field, op: string, operand: unknown): Where {
  const values = Array.isArray(operand) && operand.every(isScalar) ? operand : undefined;
  if (op === '$eq' && isScalar(operand)) return equals(sql, operand);
  if (op === '$ne' && isScalar(operand)) return not(equals(sql, operand));
  if (op === '$in' && values) return oneOf(sql, values);
  if (op === '$nin' && values) return not(oneOf(sql, values));
  if (op === '$exists' && typeof operand === 'boolean')
    return { sql: `${sql.type} IS ${operand ? 'NOT NULL' : 'NULL'}`, params: [], exact: true };
  if (isRange(op) && isScalar(operand)) return range(sql, op, operand);
  return SUPERSET;
}

/** `{x: null}` matches a JSON null and a missing path, which json_extract both gives as NULL. */
function equals(sql: Field, value: Scalar): Where {
  if (value === null) return { sql: `${sql.value} IS NULL`, params: [], exact: true };
  return {
    sql: `${sql.value} = ? AND ${sql.type} IN ${typesOf(value)}`,
    params: [bind(value)],
    exact: true,
  };
}

/**
 * Like mingo, a range compares values of one type only, and `$gte: null` / `$lte: null` match a
 * JSON null (not a missing path).
 */
function range(sql: Field, op: keyof typeof RANGES, value: Scalar): Where {
  if (value === null)
    return op === '$gte' || op === '$lte'
      ? { sql: `${sql.type} = 'null'`, params: [], exact: true }
      : NONE;
  return {
    sql: `${sql.value} ${RANGES[op]} ? AND ${sql.type} IN ${typesOf(value)}`,
    params: [bind(value)],
    exact: true,
  };
}

function oneOf(sql: Field, values: Scalar[]): Where {
  const parts = (['string', 'number', 'boolean'] as const).flatMap((type): Where[] => {
    const ofType = values.filter((value) => typeof value === type);
    if (ofType.length === 0) return [];
    return [
      {
        sql: `${sql.value} IN (${ofType.map(() => '?').join(', ')}) AND ${sql.type} IN ${TYPES[type]}`,
        params: ofType.map(bind),
        exact: true,
      },
    ];
  });
  return or(values.includes(null) ? [...parts, equals(sql, null)] : parts);
}

/**
 * A comparison with NULL is NULL, and NOT NULL is still NULL: `IS NOT 1` makes "unknown" count as
 * "no match".
 */
function not(inner: Where): Where {
  return { sql: `(${inner.sql}) IS NOT 1`, params: inner.params, exact: inner.exact };
}

function and(parts: Where[]): Where {
  const sql = parts.filter((part) => part.sql !== '1');
  if (sql.length === 0) return parts.every((part) => part.exact) ? ALL : SUPERSET;
  return {
    sql: sql.map((part) => `(${part.sql})`).join(' AND '),
    params: sql.flatMap((part) => part.params),
    exact: parts.every((part) => part.exact),
  };
}

/** An inexact branch of an $or could drop documents, so the whole $or is then left to mingo. */
function or(parts: Where[]): Where {
  if (parts.length === 0) return NONE;
  if (parts.some((part) => !part.exact)) return SUPERSET;
  return {
    sql: parts.map((part) => `(${part.sql})`).join(' OR '),
    params: parts.flatMap((part) => part.params),
    exact: true,
  };
}

function typesOf(value: string | number | boolean): string {
  return TYPES[typeof value as keyof typeof TYPES];
}

function bind(value: Scalar): SqlValue {
  return typeof value === 'boolean' ? Number(value) : value;
}

function isRange(op: string): op is keyof typeof RANGES {
  return Object.hasOwn(RANGES, op);
}

function isScalar(value: unknown): value is Scalar {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
  );
}
