// ARCHITECTURE.md "Identity and events": every domain event type has one JSON Schema, checked
// before append and used by projections and relays, so the write side never stores what the read
// side cannot read. Schemas are plain data (draft-07 JSON Schema); the event store validates them
// with ajv.

/** JSON Schema of each event type's `data`, keyed by event type. */
export type EventSchemaMap = Record<string, object>;

/**
 * How an event type's data recorded at schema version `from` reads at `from + 1`. A type's current
 * version is 1 + its upcasters; appends record it, and reads upcast older events to it, so the
 * domain and the projections see one shape only (ARCHITECTURE.md "Identity and events").
 */
export interface Upcaster {
  type: string;
  from: number;
  upcast(data: Record<string, unknown>): Record<string, unknown>;
}

const SAFE = Number.MAX_SAFE_INTEGER;

/** DOMAIN.md "Money": integer minor units, signed, within the range a JS number holds exactly. */
export const money = { type: 'integer', minimum: -SAFE, maximum: SAFE };
export const nonNegativeMoney = { type: 'integer', minimum: 0, maximum: SAFE };
export const positiveMoney = { type: 'integer', minimum: 1, maximum: SAFE };
/** Rates and percents in hundredths of a percent, 0 to 100%. */
export const rate = { type: 'integer', minimum: 0, maximum: 10_000 };
/** Whole numbers that count something (days, sequence numbers). */
export const count = { type: 'integer', minimum: 0, maximum: SAFE };
export const positiveCount = { type: 'integer', minimum: 1, maximum: SAFE };
/** A business date: a real calendar date, YYYY-MM-DD (2026-02-30 is refused). */
export const date = { type: 'string', format: 'date' };
/** Server-minted ids. */
export const uuid = { type: 'string', format: 'uuid' };
/**
 * The longest text an event may hold: five times what the API takes (2,000 characters), so that no
 * event a release stored is refused, and no row written past the API (50 MB in a payment reference)
 * reaches the documents and CSVs that print it.
 */
export const MAX_EVENT_TEXT = 10_000;
/** Client-given ids and names. */
export const nonEmptyString = { type: 'string', minLength: 1, maxLength: MAX_EVENT_TEXT };
/** Free text that may be empty (a PO number nobody gave). */
export const text = { type: 'string', maxLength: MAX_EVENT_TEXT };
export const currencyCode = { type: 'string', pattern: '^[A-Z]{3}$' };
export const flag = { type: 'boolean' };

export const enumOf = (values: readonly string[]) => ({ type: 'string', enum: [...values] });
export const arrayOf = (items: object, minItems = 0) => ({
  type: 'array',
  items,
  ...(minItems > 0 ? { minItems } : {}),
});

/** A closed object: every property required unless named optional, no other property allowed. */
export function closedObject(properties: Record<string, object>, optional: readonly string[] = []) {
  return {
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    properties,
  };
}
