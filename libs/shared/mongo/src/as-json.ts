/**
 * `doc` as `JSON.parse(JSON.stringify(doc))` gives it, without the text in between (several times
 * less to allocate for the large documents some projections keep), the keys the store sets left
 * out and `_id`, `_position` put last: undefined fields gone, undefined in an array null, numbers
 * that are not finite null, `toJSON` (dates) called. Documents stay what the SQLite adapter stores.
 */
export function storedOf<T extends { _id: string; _position: number }>(
  doc: unknown,
  _id: string,
  _position: number,
): T {
  const json =
    typeof (doc as { toJSON?: unknown } | undefined)?.toJSON === 'function'
      ? asJson(doc)
      : (doc ?? {});
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new TypeError(`A read-model document must be an object, not ${JSON.stringify(json)}`);
  return Object.assign(copyFields(json as Record<string, unknown>, true), { _id, _position }) as T;
}

function asJson(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON writes -0 as 0.
      return Number.isFinite(value) ? value + 0 : null;
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'object':
      if (value === null) return null;
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
        return asJson((value as { toJSON: () => unknown }).toJSON());
      if (Array.isArray(value)) return value.map((item) => asJson(item) ?? null);
      if (value instanceof Number || value instanceof String || value instanceof Boolean)
        return asJson(value.valueOf());
      return copyFields(value as Record<string, unknown>, false);
    default:
      return undefined;
  }
}

function copyFields(value: Record<string, unknown>, top: boolean): Record<string, unknown> {
  const copied: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (top && (key === '_id' || key === '_position')) continue;
    const field = asJson(value[key]);
    if (field === undefined) continue;
    // A key a client chose (a line id `__proto__`) is a field as JSON.parse makes it: an assignment
    // would set the copy's prototype instead.
    if (key === '__proto__')
      Object.defineProperty(copied, key, {
        value: field,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else copied[key] = field;
  }
  return copied;
}
