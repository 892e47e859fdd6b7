import fc from 'fast-check';

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Calendar dates that are not business dates YYYY-MM-DD from 2000 to 2099 (DOMAIN.md "Dates"). */
const badDate: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '2026-02-30',
    '2026-02-29',
    '2025-04-31',
    '9999-99-99',
    '0000-00-00',
    'yesterday',
    'today',
    '2026-2-3',
    '20260203',
    '03/02/2026',
  ),
  fc.constantFrom(
    '1900-01-01',
    '1999-12-31',
    '2100-01-01',
    '9999-12-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    ' 2026-02-03',
    '2026-02-03T00:00:00Z',
  ),
  fc
    .record({
      year: fc.integer({ min: 2000, max: 2099 }),
      month: fc.integer({ min: 1, max: 12 }),
      over: fc.integer({ min: 1, max: 60 }),
    })
    .map(
      ({ year, month, over }) => `${year}-${pad(month, 2)}-${pad(daysIn(year, month) + over, 2)}`,
    ),
  fc
    .record({
      year: fc.oneof(fc.integer({ min: 0, max: 1999 }), fc.integer({ min: 2100, max: 9999 })),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
    })
    .map(({ year, month, day }) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`),
  fc.string({ maxLength: 12 }).filter((text) => !/^\d{4}-\d{2}-\d{2}$/.test(text)),
);

/**
 * Not an RFC 3339 instant; most would fall after the seeded events, so that a lenient reading would
 * answer 200, not 404.
 */
const badInstant: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'yesterday',
    'now',
    'NaN',
    'null',
    '1',
    '0',
    '-1',
    '2099',
    '1e3',
    'Tue Mar 01 2099',
    '03/02/2099 10:00',
    '9999-99-99',
    '2099-01-01T10:00:00',
    '2099-01-01T10:00:00ZZ',
  ),
  fc
    .record({
      year: fc.integer({ min: 2090, max: 2099 }),
      month: fc.integer({ min: 1, max: 12 }),
      over: fc.integer({ min: 1, max: 60 }),
    })
    .map(
      ({ year, month, over }) =>
        `${year}-${pad(month, 2)}-${pad(daysIn(year, month) + over, 2)}T00:00:00Z`,
    ),
  fc
    .integer({ min: 25, max: 99 })
    .chain((high) =>
      fc.constantFrom(
        `2099-01-01T${high}:00:00Z`,
        `2099-01-01T10:${high + 35}:00Z`,
        `2099-01-01T10:00:00+${high}:00`,
        `2099-${high}-01T10:00:00Z`,
      ),
    ),
  badDate.filter((text) => Number.isNaN(Date.parse(text))),
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Strings that are not UUIDs: near misses of a real one, and anything else. */
const badUuid: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'not-a-uuid',
    '1',
    '0',
    'null',
    'undefined',
    ':id',
    '{id}',
    '0b5c3bb4-6f0a-4d8e-9a52',
    '0b5c3bb46f0a4d8e9a526f1d2c3e4a5b',
  ),
  fc
    .uuid()
    .chain((uuid) =>
      fc.constantFrom(
        uuid.slice(1),
        `${uuid}0`,
        `{${uuid}}`,
        `urn:uuid:${uuid}`,
        uuid.replace(/[0-9a-f]/, 'g'),
        ` ${uuid}`,
        uuid.replace(/-/g, '_'),
      ),
    ),
  fc.string({ maxLength: 40 }).filter((text) => !UUID.test(text)),
);

const badEmail: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'not-an-email',
    'ap@',
    '@example.com',
    'ap example@example.com',
    'ap@example',
    'ap@@example.com',
    'ap@example..com',
  ),
  fc.string({ maxLength: 20 }).filter((text) => !text.includes('@')),
);

/** Strings each format refuses. */
export const FORMATS: Record<string, fc.Arbitrary<string>> = {
  date: badDate,
  'date-time': badInstant,
  uuid: badUuid,
  email: badEmail,
};
