import { createConnection, mongo, type Connection } from 'mongoose';
import type { Doc, Update } from '@billing/shared/read-models';
import { readModelConformance } from '@billing/shared/testing';
import { startMongo, type RunningMongo } from '@billing/infra/mongo';
import { MongoReadModels } from './mongo.read-models';

let server: RunningMongo;
let databases = 0;
/** A database of its own per test: mongo-java-server keeps them all in memory until it stops. */
const freshUri = () => `${server.uri}/read_models_${++databases}`;

beforeAll(async () => {
  server = await startMongo();
}, 60_000);
afterAll(() => server?.stop());

readModelConformance('mongo (mongo-java-server)', async () => new MongoReadModels(freshUri()));

describe('MongoReadModels on mongo-java-server', () => {
  let raw: Connection;
  let uri: string;
  beforeEach(async () => {
    uri = freshUri();
    raw = await createConnection(uri).asPromise();
  });
  afterEach(() => raw.close());

  it('lets two stores race applies on one document without losing or repeating one', async () => {
    const [a, b] = [new MongoReadModels(uri), new MongoReadModels(uri)];
    let computed = 0;
    let applied = 0;
    // In lockstep, so that they meet on every position however busy the machine is: both read the
    // document before either writes, and the conditional write lets exactly one of them through.
    for (let position = 1; position <= 200; position++) {
      const update = (current: { applied: number[] } | undefined) => (
        computed++,
        { applied: [...(current?.applied ?? []), position] }
      );
      const results = await Promise.all(
        [a, b].map((store) => store.apply('race', 'doc', position, update)),
      );
      applied += results.filter(Boolean).length;
    }
    const doc = await a.get<{ applied: number[] }>('race', 'doc');
    expect(doc?._position).toBe(200);
    expect(doc?.applied).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
    expect(applied).toBe(200);
    // Both wrote updates that another writer had overtaken: the conditional writes were what kept
    // them apart.
    expect(computed).toBeGreaterThan(200);
    await Promise.all([a.close(), b.close()]);
  }, 30_000);

  it('lets two stores race batches over the same documents without losing or repeating an update', async () => {
    const [a, b] = [new MongoReadModels(uri), new MongoReadModels(uri)];
    const step = (id: string, position: number): Update => ({
      collection: 'race',
      id,
      position,
      update: (current) => ({
        applied: [
          ...((current as Doc<{ applied: number[] }> | undefined)?.applied ?? []),
          position,
        ],
      }),
    });
    const race = async (store: MongoReadModels) => {
      for (let first = 1; first <= 200; first += 10) {
        const positions = Array.from({ length: 10 }, (_, index) => first + index);
        await store.applyBatch(
          positions.flatMap((position) => [
            step('all', position),
            step(position % 2 ? 'odd' : 'even', position),
          ]),
        );
      }
    };
    await Promise.all([race(a), race(b)]);
    const positions = Array.from({ length: 200 }, (_, index) => index + 1);
    const applied = async (id: string) => (await a.get<{ applied: number[] }>('race', id))?.applied;
    expect(await applied('all')).toEqual(positions);
    expect(await applied('odd')).toEqual(positions.filter((position) => position % 2));
    expect(await applied('even')).toEqual(positions.filter((position) => position % 2 === 0));
    await Promise.all([a.close(), b.close()]);
  }, 30_000);

  it("writes from the documents it wrote last, without reading them again; another writer's change is read and folded in", async () => {
    const store = new MongoReadModels(uri, { monitorCommands: true });
    const commands: string[] = [];
    (store as unknown as { connection: Connection }).connection
      .getClient()
      .on('commandStarted', (event) => commands.push(event.commandName));
    const add = (id: string, position: number): Update => ({
      collection: 'known',
      id,
      position,
      update: (current) => ({
        positions: [
          ...((current as Doc<{ positions: number[] }> | undefined)?.positions ?? []),
          position,
        ],
      }),
    });
    await store.applyBatch([add('a', 1), add('b', 1)]);
    commands.length = 0;
    await store.applyBatch([add('a', 2), add('b', 2)]);
    await store.apply<{ positions: number[] }>('known', 'a', 3, (current) => ({
      positions: [...current!.positions, 3],
    }));
    expect(commands.filter((name) => name === 'find')).toEqual([]);
    // Another client moves b on: the write from what this store knew matches nothing, and b is read
    // again.
    await raw
      .db!.collection('known')
      .updateOne({ _id: 'b' as never }, { $set: { _position: 5, positions: [1, 2, 5] } });
    await store.applyBatch([add('a', 6), add('b', 6)]);
    expect(commands.filter((name) => name === 'find')).toEqual(['find']);
    expect(await store.find('known', {}, { sort: { _id: 1 } })).toEqual([
      { _id: 'a', _position: 6, positions: [1, 2, 3, 6] },
      { _id: 'b', _position: 6, positions: [1, 2, 5, 6] },
    ]);
    await store.close();
  });

  it('writes a fresh document without reading it first; one that was there after all is read and folded in', async () => {
    const store = new MongoReadModels(uri, { monitorCommands: true });
    const commands: string[] = [];
    (store as unknown as { connection: Connection }).connection
      .getClient()
      .on('commandStarted', (event) => commands.push(event.commandName));
    const add = (id: string, position: number): Update => ({
      collection: 'fresh',
      id,
      position,
      fresh: true,
      update: (current) => ({
        positions: [
          ...((current as Doc<{ positions: number[] }> | undefined)?.positions ?? []),
          position,
        ],
      }),
    });
    await store.applyBatch([add('new', 1)]);
    expect(
      await store.apply('fresh', 'alone', 2, () => ({ positions: [2] }), { fresh: true }),
    ).toBe(true);
    expect(commands.filter((name) => name === 'find')).toEqual([]);
    // Written by another client: the hint was wrong, and the document is read, not overwritten.
    await raw.db!.collection('fresh').insertMany([
      { _id: 'there' as never, _position: 3, positions: [3] },
      { _id: 'ahead' as never, _position: 9, positions: [9] },
    ]);
    await store.applyBatch([add('there', 4), add('ahead', 5)]);
    expect(
      await store.apply('fresh', 'ahead', 6, () => ({ positions: [6] }), { fresh: true }),
    ).toBe(false);
    expect(await store.find('fresh', {}, { sort: { _id: 1 } })).toEqual([
      { _id: 'ahead', _position: 9, positions: [9] },
      { _id: 'alone', _position: 2, positions: [2] },
      { _id: 'new', _position: 1, positions: [1] },
      { _id: 'there', _position: 4, positions: [3, 4] },
    ]);
    await store.close();
  });

  it('declares an index the server lists, once, and again after a drop, ending with _id as every sort does', async () => {
    const store = new MongoReadModels(uri);
    await store.ensureIndex('invoices', { _tenant: 1, 'customer.id': 1, dueDate: -1 });
    await store.ensureIndex('invoices', { _tenant: 1, 'customer.id': 1, dueDate: -1 });
    const keys = async () =>
      (await raw.db!.collection('invoices').listIndexes().toArray()).map(
        (index) => index['key'] as unknown,
      );
    expect(await keys()).toEqual([
      { _id: 1 },
      { _tenant: 1, 'customer.id': 1, dueDate: -1, _id: 1 },
    ]);
    await store.apply('invoices', 'i1', 1, () => ({ customer: { id: 'c1' } }));
    await store.drop('invoices');
    expect(await store.find('invoices')).toEqual([]);
    expect(await keys()).toEqual([
      { _id: 1 },
      { _tenant: 1, 'customer.id': 1, dueDate: -1, _id: 1 },
    ]);
    expect(await store.collections()).toEqual([]);
    await store.close();
  });

  it('keeps documents JSON: numbers come back as numbers, undefined fields are gone', async () => {
    const store = new MongoReadModels(uri);
    const doc = {
      small: 7,
      negative: -3,
      cents: 123_456_789_012,
      largest: Number.MAX_SAFE_INTEGER,
      fraction: 0.1,
      list: [1, 2.5, null, 'x', true, { n: 2 }],
      gone: undefined,
    };
    await store.apply('values', 'v1', 1, () => doc);
    const { gone: _gone, ...json } = doc;
    expect(await store.get('values', 'v1')).toStrictEqual({ _id: 'v1', _position: 1, ...json });
    // Written by another client as int64 and double: still plain numbers here.
    await raw.db!.collection('values').insertOne({
      _id: 'v2' as never,
      _position: new mongo.Long(5),
      total: mongo.Long.fromNumber(2 ** 40),
      rate: new mongo.Double(3),
    });
    expect(await store.get('values', 'v2')).toStrictEqual({
      _id: 'v2',
      _position: 5,
      total: 2 ** 40,
      rate: 3,
    });
    expect(await store.apply('values', 'v2', 6, (current) => ({ ...current, rate: 4 }))).toBe(true);
    await store.close();
  });

  it('reads { $gte: null } and { $lte: null } as the port does: is null, not missing', async () => {
    const store = new MongoReadModels(uri);
    for (const [id, doc] of Object.entries({
      isNull: { f: null, o: { k: null } },
      missing: {},
      one: { f: 1, o: { k: 1 } },
      flat: { o: 'flat' },
    }))
      await store.apply('nulls', id, 1, () => doc);
    const ids = async (query: Record<string, unknown>) =>
      (await store.find('nulls', query, { sort: { _id: 1 } })).map((doc) => doc._id);
    expect(await ids({ f: { $gte: null } })).toEqual(['isNull']);
    expect(await ids({ $or: [{ 'o.k': { $lte: null, $lt: 5 } }, { f: { $lte: null } }] })).toEqual([
      'isNull',
    ]);
    expect(await ids({ f: { $gt: null } })).toEqual([]);
    expect(await store.count('nulls', { 'o.k': { $gte: null } })).toBe(1);
    await store.close();
  });

  it('refuses collection names the other adapters could not store', async () => {
    const store = new MongoReadModels(uri);
    await expect(store.find('system.users')).rejects.toThrow(/Invalid read-model collection name/);
    await expect(store.apply('in-voices', 'i1', 1, () => ({}))).rejects.toThrow(
      /Invalid read-model collection name/,
    );
    await store.close();
  });
});
