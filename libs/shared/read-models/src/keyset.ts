/** A value a list is sorted on: a scalar, or null for a null or missing field. */
export type SortValue = string | number | boolean | null;

/**
 * The documents that sort after one whose values on the ascending `keys` are `values` (the last
 * key unique, `_id`): a keyset page's filter. Nulls and missing fields sort first, as every store
 * sorts them; the non-null values of a key are of one type. The first key's range is stated on its
 * own as well, so a store reads from the position on through an index on the keys.
 */
export function sortedAfter(keys: readonly string[], values: readonly SortValue[]) {
  const [first] = values;
  return {
    $and: [
      ...(first === null ? [] : [{ [keys[0]]: { $gte: first } }]),
      {
        $or: keys.map((key, i) => ({
          ...Object.fromEntries(keys.slice(0, i).map((before, j) => [before, values[j]])),
          [key]: values[i] === null ? { $ne: null } : { $gt: values[i] },
        })),
      },
    ],
  };
}
