import { randomUUID } from 'node:crypto';
import {
  arrayOf,
  closedObject,
  date,
  DomainError,
  MAX_EVENT_TEXT,
  money,
  nonEmptyString,
  positiveMoney,
  uuid,
  ValidationError,
} from '@billing/shared/kernel';
import { EventSchemas, InvalidEvent, validatingEventStore } from './event-schemas';
import { InMemoryEventStore } from './in-memory.event-store';
import type { NewEvent, RecordedEvent } from './types';

// The shape of contracts' ContractCreated, cut down: this lib may not import a context's domain
// (contract.schemas.spec.ts checks the real schema).
const customer = closedObject({ id: nonEmptyString, name: nonEmptyString });
const line = closedObject({ lineId: nonEmptyString, scheduledValue: money });
const schemas = {
  ContractCreated: closedObject({
    contractId: uuid,
    terms: closedObject({ customer, originalSum: positiveMoney, startDate: date }),
    lines: arrayOf(line),
    createdOn: date,
  }),
};

const metadata = {
  tenantId: 't',
  correlationId: 'c',
  causationId: 'x',
  actor: 'a',
  occurredAt: '2026-01-01T00:00:00.000Z',
  schemaVersion: 1,
};
const contractId = '7d7f3b6e-3c1a-4f7e-9a59-2b8f0c1d2e3f';
const valid = () => ({
  contractId,
  terms: {
    customer: { id: 'cust-1', name: 'Owner' },
    originalSum: 1_000_000,
    startDate: '2026-01-05',
  },
  lines: [{ lineId: 'A', scheduledValue: 1_000_000 }],
  createdOn: '2026-01-05',
});
const event = (data: unknown, type = 'ContractCreated'): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata,
});
const without = <T extends object>(value: T, key: keyof T) =>
  Object.fromEntries(Object.entries(value).filter(([name]) => name !== key));

describe('EventSchemas before append (the validating store)', () => {
  const stream = `contract-${contractId}`;
  let inner: InMemoryEventStore;
  let store: ReturnType<typeof validatingEventStore>;
  beforeEach(() => {
    inner = new InMemoryEventStore();
    store = validatingEventStore(inner, new EventSchemas().register(schemas));
  });

  it('appends an event that fits its schema', async () => {
    await expect(store.append(stream, [event(valid())], 'no_stream')).resolves.toMatchObject({
      nextRevision: 0,
    });
    expect(await store.readStream(stream)).toMatchObject([
      { type: 'ContractCreated', data: valid() },
    ]);
    expect(await store.headPosition()).toBe(1);
  });

  it.each([
    [
      'without customer',
      { ...valid(), terms: without(valid().terms, 'customer') },
      'terms.customer: is required',
    ],
    [
      'with customer: []',
      { ...valid(), terms: { ...valid().terms, customer: [] } },
      'terms.customer: must be object',
    ],
    [
      'with a float amount',
      { ...valid(), lines: [{ lineId: 'A', scheduledValue: 10.5 }] },
      'lines.0.scheduledValue: must be integer',
    ],
    [
      'with an amount beyond a safe integer',
      { ...valid(), terms: { ...valid().terms, originalSum: 2 ** 53 } },
      'terms.originalSum: must be <= 9007199254740991',
    ],
    [
      'with 2026-02-30 as a date',
      { ...valid(), createdOn: '2026-02-30' },
      'createdOn: must match format "date"',
    ],
    ['with an unknown extra field', { ...valid(), surprise: true }, 'surprise: is not allowed'],
    [
      'with a contract id that is not a UUID',
      { ...valid(), contractId: 'c-1' },
      'contractId: must match format "uuid"',
    ],
  ])(
    'refuses a ContractCreated %s (400, naming the field) and writes nothing',
    async (_, data, problem) => {
      const append = store.append(stream, [event(data)], 'no_stream');
      await expect(append).rejects.toBeInstanceOf(ValidationError);
      await expect(append).rejects.toThrow(/ContractCreated/);
      await expect(append).rejects.toMatchObject({
        category: 'validation',
        details: { errors: expect.arrayContaining([problem]) as unknown },
      });
      expect(await store.readStream(stream)).toEqual([]);
      expect(await inner.headPosition()).toBe(0);
    },
  );

  it('refuses text longer than MAX_EVENT_TEXT (a row written past the API reaches the documents that print it)', () => {
    const checker = new EventSchemas().register(schemas);
    const named = (name: string) => ({
      ...valid(),
      terms: { ...valid().terms, customer: { id: 'cust-1', name } },
    });
    expect(checker.errors('ContractCreated', named('x'.repeat(MAX_EVENT_TEXT)))).toEqual([]);
    expect(checker.errors('ContractCreated', named('x'.repeat(MAX_EVENT_TEXT + 1)))).toEqual([
      'terms.customer.name: must NOT have more than 10000 characters',
    ]);
  });

  it('names every problem at once', async () => {
    const data = { ...valid(), terms: { ...valid().terms, customer: { id: '' }, originalSum: 0 } };
    const error = (await store
      .append(stream, [event(data)], 'no_stream')
      .catch((caught: unknown) => caught)) as ValidationError;
    expect(error.details.errors).toEqual(
      expect.arrayContaining([
        'terms.customer.name: is required',
        'terms.customer.id: must NOT have fewer than 1 characters',
        'terms.originalSum: must be >= 1',
      ]),
    );
    expect(error.message).toMatch(/terms\.customer\.name: is required.*terms\.originalSum/);
  });

  it('refuses an event of a type nobody registered', async () => {
    await expect(
      store.append(stream, [event({ any: 1 }, 'ContractTeleported')], 'no_stream'),
    ).rejects.toThrow(/ContractTeleported: no schema is registered/);
    expect(await inner.headPosition()).toBe(0);
  });

  it('writes nothing of a batch when one of its events does not fit', async () => {
    await expect(
      store.append(stream, [event(valid()), event({ ...valid(), createdOn: 'soon' })], 'no_stream'),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await inner.readAll()).toEqual([]);
  });

  it('delegates reads and subscriptions to the store it wraps', async () => {
    await inner.append(stream, [event(valid())], 'no_stream');
    expect(await store.readAll()).toHaveLength(1);
    expect(await store.headPosition()).toBe(1);
    const seen: string[] = [];
    const subscription = store.subscribeToAll(
      { fromPosition: 0 },
      async (recorded) => void seen.push(recorded.type),
    );
    const deadline = Date.now() + 5_000;
    while (seen.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await subscription.stop();
    expect(seen).toEqual(['ContractCreated']);
  });
});

describe('EventSchemas registry', () => {
  it('accepts the same schema twice (two contexts recording the same fact) and refuses a different one', () => {
    const registry = new EventSchemas()
      .register(schemas)
      .register({ ContractCreated: closedObject({ ...schemas.ContractCreated.properties }) });
    expect(registry.types()).toEqual(['ContractCreated']);
    expect(() =>
      registry.register({ ContractCreated: closedObject({ contractId: uuid }) }),
    ).toThrow(/ContractCreated is already registered with a different schema/);
  });

  it('refuses a schema with a typo at registration rather than ignoring it', () => {
    expect(() =>
      new EventSchemas().register({ Typo: { type: 'object', propertys: {} } }),
    ).toThrow();
    expect(() =>
      new EventSchemas().register({ Typo: { type: 'string', format: 'calendar-date' } }),
    ).toThrow();
  });
});

describe('EventSchemas.decode (projections and relays)', () => {
  const registry = new EventSchemas().register(schemas);
  const recorded = (data: unknown): RecordedEvent => ({
    ...event(data),
    streamId: `contract-${contractId}`,
    revision: 3,
    position: 9,
    recordedAt: metadata.occurredAt,
  });

  it('returns a stored event that fits as its domain type', () => {
    expect(registry.decode(recorded(valid()))).toEqual({ type: 'ContractCreated', data: valid() });
  });

  it('throws InvalidEvent (not a domain error) naming the type, stream@revision and the problems', () => {
    const decode = () =>
      registry.decode(recorded({ ...valid(), terms: { ...valid().terms, customer: [] } }));
    expect(decode).toThrow(
      `ContractCreated at contract-${contractId}@3 does not fit its schema: terms.customer: must be object`,
    );
    const error = (() => {
      try {
        return decode();
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidEvent);
    expect(error).not.toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      problems: ['terms.customer: must be object'],
      event: { type: 'ContractCreated', streamId: `contract-${contractId}`, revision: 3 },
    });
  });

  it('throws InvalidEvent for a stored type nobody registered', () => {
    expect(() => registry.decode({ ...recorded({}), type: 'ContractTeleported' })).toThrow(
      InvalidEvent,
    );
  });
});

describe('upcasters: one shape per event type, whatever version it was recorded at', () => {
  // v1 had no `po`; v2 has it, empty for old events; v3 renamed `createdOn` to `signedOn`.
  const v3 = {
    ContractSigned: closedObject({ contractId: uuid, po: { type: 'string' }, signedOn: date }),
  };
  const upcasters = [
    {
      type: 'ContractSigned',
      from: 2,
      upcast: ({ createdOn, ...rest }: Record<string, unknown>) => ({
        ...rest,
        signedOn: createdOn,
      }),
    },
    {
      type: 'ContractSigned',
      from: 1,
      upcast: (data: Record<string, unknown>) => ({ ...data, po: '' }),
    },
  ];
  const registry = () => new EventSchemas().register(v3, upcasters);
  const recorded = (data: object, schemaVersion: number): RecordedEvent => ({
    ...event(data, 'ContractSigned'),
    metadata: { ...metadata, schemaVersion },
    streamId: `contract-${contractId}`,
    revision: 0,
    position: 1,
    recordedAt: '2026-01-01T00:00:00.000Z',
  });

  it('reads an event of any older version in the current shape, and refuses an upcaster chain with a gap', () => {
    const current = registry();
    expect(current.version('ContractSigned')).toBe(3);
    expect(current.decode(recorded({ contractId, createdOn: '2026-01-05' }, 1))).toEqual({
      type: 'ContractSigned',
      data: { contractId, po: '', signedOn: '2026-01-05' },
    });
    expect(
      current.decode(recorded({ contractId, po: '7', createdOn: '2026-01-05' }, 2)).data,
    ).toEqual({ contractId, po: '7', signedOn: '2026-01-05' });
    expect(
      current.upcast(recorded({ contractId, po: '7', signedOn: '2026-01-05' }, 3)).metadata
        .schemaVersion,
    ).toBe(3);
    expect(() => new EventSchemas().register(v3, [upcasters[0]])).toThrow(/without a gap/);
  });

  it('records the current version on append and upcasts what the store gives back', async () => {
    const inner = new InMemoryEventStore();
    const store = validatingEventStore(inner, registry());
    await inner.append(
      `contract-${contractId}`,
      [{ ...event({ contractId, createdOn: '2026-01-05' }, 'ContractSigned') }],
      'no_stream',
    );
    await store.append(
      `contract-${contractId}`,
      [event({ contractId, po: '', signedOn: '2026-01-06' }, 'ContractSigned')],
      0,
    );
    expect(
      (await inner.readStream(`contract-${contractId}`)).map(
        (stored) => stored.metadata.schemaVersion,
      ),
    ).toEqual([1, 3]);
    const read = await store.readStream(`contract-${contractId}`);
    expect(read.map((stored) => [stored.data, stored.metadata.schemaVersion])).toEqual([
      [{ contractId, po: '', signedOn: '2026-01-05' }, 3],
      [{ contractId, po: '', signedOn: '2026-01-06' }, 3],
    ]);
    expect((await store.readAll({ fromPosition: 0 })).map((stored) => stored.data)).toEqual(
      read.map((stored) => stored.data),
    );
  });
});
