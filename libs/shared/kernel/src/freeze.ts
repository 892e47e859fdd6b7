/**
 * Freezes plain objects and arrays, deeply, and answers the value: a document or state several
 * readers share, so that one changing it throws (strict mode) instead of changing it for all. What
 * is frozen already is not walked again: a new version that shares the parts it did not change (as
 * a spread does) costs only what is new. Other objects (dates, maps, class instances) are left as
 * they are. By tag, not prototype: values may come from another realm (structuredClone, a test
 * sandbox).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (!Array.isArray(value) && Object.prototype.toString.call(value) !== '[object Object]')
    return value;
  Object.freeze(value);
  for (const field of Object.values(value)) deepFreeze(field);
  return value;
}
