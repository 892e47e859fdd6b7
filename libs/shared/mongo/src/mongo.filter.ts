type Filter = Record<string, unknown>;

const LOGICAL = new Set(['$and', '$or', '$nor']);

/**
 * A port query as Mongo should run it. The queries are the Mongo query language already; one
 * meaning differs. The port (ReadModelStore, checked against mingo in the conformance suite, as the
 * SQLite adapter is) reads `{ $gte: null }` and `{ $lte: null }` as "is null": MongoDB also matches
 * a missing field there (expression_leaf.cpp: null and missing compare equal for EQ, LTE and GTE),
 * and mongo-java-server 1.47 matches nothing. `{ $type: 'null' }` means "is null" on all of them.
 */
export function portFilter(filter: Filter): Filter {
  return Object.fromEntries(
    Object.entries(filter).map(([key, value]) => [key, condition(key, value)]),
  );
}

function condition(key: string, value: unknown): unknown {
  if (LOGICAL.has(key) && Array.isArray(value))
    return value.map((filter: Filter) => portFilter(filter));
  if (
    key.startsWith('$') ||
    !isOperators(value) ||
    (value['$gte'] !== null && value['$lte'] !== null)
  )
    return value;
  const operators = Object.entries(value).filter(
    ([operator, operand]) => !(operand === null && (operator === '$gte' || operator === '$lte')),
  );
  return { ...Object.fromEntries(operators), $type: 'null' };
}

/** `{ $op: ... }` rather than a value to equal (an object value has no key starting with `$`). */
function isOperators(value: unknown): value is Record<string, unknown> {
  if (
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    value instanceof RegExp
  )
    return false;
  return Object.keys(value).some((key) => key.startsWith('$'));
}
