import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  START,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type Position,
} from '@eventstore/db-client';
import { Empty, StreamIdentifier, type UUID } from '@eventstore/db-client/generated/shared_pb';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ReadReq, type ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { credentials } from '@grpc/grpc-js';
import { startEsdbEmulator, type EsdbEmulator } from '@billing/infra/esdb-emulator';

/**
 * The emulator as the client of @eventstore/db-client sees it: the answers EventStoreDB gives,
 * message by message.
 */
let emulator: EsdbEmulator;
let client: EventStoreDBClient;
beforeAll(async () => {
  emulator = await startEsdbEmulator({ port: 0 });
  client = EventStoreDBClient.connectionString(emulator.url);
});
afterAll(async () => {
  await client.dispose();
  await emulator.stop();
});

const event = (type = 'Happened', data: Record<string, unknown> = {}) =>
  jsonEvent({ id: randomUUID(), type, data });
// Credentials on a call make the client use Append instead of BatchAppend
// (appendToStream/index.js); insecure mode ignores them.
const paths = [
  ['BatchAppend', {}],
  ['Append', { credentials: { username: 'admin', password: 'changeit' } }],
] as const;

describe.each(paths)('appending over %s', (_name, callOptions) => {
  it('answers a wrong expected version that the client raises as its typed error, with the expected and current revisions', async () => {
    const stream = `test-${randomUUID()}`;
    await client.appendToStream(stream, [event(), event()], {
      expectedRevision: 'no_stream',
      ...callOptions,
    });
    const refused = (expectedRevision: 'no_stream' | 'stream_exists' | bigint, on = stream) =>
      client
        .appendToStream(on, event(), { expectedRevision, ...callOptions })
        .catch((error: unknown) => error);
    const exact = await refused(5n);
    expect(exact).toBeInstanceOf(WrongExpectedVersionError);
    expect(exact).toMatchObject({ expectedVersion: 5n, actualVersion: 1n });
    expect(await refused('no_stream')).toMatchObject({
      expectedVersion: 'no_stream',
      actualVersion: 1n,
    });
    expect(await refused('stream_exists', `test-${randomUUID()}`)).toMatchObject({
      expectedVersion: 'stream_exists',
      actualVersion: 'no_stream',
    });
    await expect(
      client.appendToStream(stream, event(), { expectedRevision: 'any', ...callOptions }),
    ).resolves.toMatchObject({ nextExpectedRevision: 2n });
  });

  it('is idempotent by event id at the revision the writer expected, and refuses a batch written only in part', async () => {
    const stream = `test-${randomUUID()}`;
    const batch = [event('A'), event('B')];
    const first = await client.appendToStream(stream, batch, {
      expectedRevision: 'no_stream',
      ...callOptions,
    });
    expect(
      await client.appendToStream(stream, batch, { expectedRevision: 'no_stream', ...callOptions }),
    ).toEqual(first);
    expect(
      await client.appendToStream(stream, batch[1], { expectedRevision: 0n, ...callOptions }),
    ).toEqual(first);
    // `any` looks the ids up among recently written events ("weak" idempotency,
    // IndexWriter.CheckCommit).
    expect(
      await client.appendToStream(stream, batch, { expectedRevision: 'any', ...callOptions }),
    ).toEqual(first);
    const partly = client.appendToStream(stream, [batch[1], event('C')], {
      expectedRevision: 0n,
      ...callOptions,
    });
    await expect(partly).rejects.toBeInstanceOf(WrongExpectedVersionError);
    const types: string[] = [];
    for await (const resolved of client.readStream(stream)) types.push(resolved.event!.type);
    expect(types).toEqual(['A', 'B']);
  });
});

describe('reading', () => {
  it('numbers revisions from 0, stamps created, and places each event at its own commit = prepare position in $all', async () => {
    const stream = `test-${randomUUID()}`;
    const before = Date.now();
    const appended = await client.appendToStream(stream, [event('A'), event('B'), event('C')], {
      expectedRevision: 'no_stream',
    });
    const read = [];
    for await (const resolved of client.readStream(stream)) read.push(resolved.event!);
    expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
    expect(
      read.every((e) => e.position!.commit === e.position!.prepare && e.position!.commit > 0n),
    ).toBe(true);
    expect(
      read[0].position!.commit < read[1].position!.commit &&
        read[1].position!.commit < read[2].position!.commit,
    ).toBe(true);
    expect(appended.position).toEqual(read[2].position);
    expect(read[0].created.getTime()).toBeGreaterThanOrEqual(before - 1);
    const allTypes = async (
      fromPosition: Position,
      maxCount: number,
      direction?: typeof BACKWARDS,
    ) => {
      const types: string[] = [];
      for await (const resolved of client.readAll({ fromPosition, direction, maxCount }))
        types.push(resolved.event!.type);
      return types;
    };
    // Forwards from a position includes the event there; backwards excludes it (AllReader).
    expect(await allTypes(read[1].position!, 2)).toEqual(['B', 'C']);
    expect(await allTypes(read[1].position!, 1, BACKWARDS)).toEqual(['A']);
    await expect(async () => {
      for await (const _ of client.readStream(`test-${randomUUID()}`)) void _;
    }).rejects.toMatchObject({ type: 'stream-not-found' });
  });
});

describe('a filtered subscription to $all', () => {
  it('confirms, sends the events after the position with checkpoints, says it caught up, then goes live', async () => {
    const prefix = `test-${randomUUID()}`;
    const start = (await client.appendToStream(`${prefix}-a`, event('Before'))).position!;
    for (const n of [1, 2, 3]) {
      await client.appendToStream(`${prefix}-a`, event('Matched', { n }));
      await client.appendToStream(`other-${randomUUID()}`, event('Elsewhere', { n }));
    }
    const messages: string[] = [];
    const filter = streamNameFilter({
      prefixes: [prefix],
      maxSearchWindow: 2,
      checkpointInterval: 1,
      checkpointReached: () => void messages.push('checkpoint'),
    });
    const subscription = client.subscribeToAll({ fromPosition: start, filter });
    subscription
      .on('confirmation', () => messages.push('confirmation'))
      .on('caughtUp', () => messages.push('caughtUp'));
    subscription.on('data', (resolved: AllStreamResolvedEvent) =>
      messages.push(`event ${(resolved.event!.data as { n?: number }).n ?? 'live'}`),
    );
    await until(() => messages.includes('caughtUp'));
    await client.appendToStream(`${prefix}-b`, event('Live'));
    await until(() => messages.includes('event live'));
    await subscription.unsubscribe();
    const events = messages.filter((m) => m.startsWith('event'));
    expect(events).toEqual(['event 1', 'event 2', 'event 3', 'event live']);
    expect(messages[0]).toBe('confirmation');
    expect(messages.indexOf('checkpoint')).toBeGreaterThan(0);
    expect(messages.indexOf('caughtUp')).toBeGreaterThan(messages.indexOf('event 3'));
    expect(messages.indexOf('caughtUp')).toBeLessThan(messages.indexOf('event live'));
  });

  it('from the end sends only what is written after it', async () => {
    const prefix = `test-${randomUUID()}`;
    await client.appendToStream(`${prefix}-a`, event('Old'));
    const seen: string[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: END,
      filter: streamNameFilter({ prefixes: [prefix] }),
    });
    subscription.on('data', (resolved: AllStreamResolvedEvent) => seen.push(resolved.event!.type));
    await new Promise((resolve) => subscription.once('caughtUp', resolve));
    await client.appendToStream(`${prefix}-a`, event('New'));
    await until(() => seen.length === 1);
    await subscription.unsubscribe();
    expect(seen).toEqual(['New']);
  });
});

it('runs from the command line on a free port and prints it', async () => {
  const root = resolve(__dirname, '../../../..');
  const child = spawn(
    process.execPath,
    ['-r', './tools/register.js', 'infra/esdb-emulator/main.ts', '--port', '0'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  const port = await new Promise<number>((done, fail) => {
    child.stdout.once('data', (chunk: Buffer) => done(Number(String(chunk).trim())));
    child.once('exit', (code) => fail(new Error(`emulator exited with ${code}: ${stderr}`)));
  });
  const cli = EventStoreDBClient.connectionString(`esdb://127.0.0.1:${port}?tls=false`);
  await cli.appendToStream('test-cli', event('FromCli'), { expectedRevision: 'no_stream' });
  const types: string[] = [];
  for await (const resolved of cli.readAll({ fromPosition: START }))
    types.push(resolved.event!.type);
  expect(types).toEqual(['FromCli']);
  await cli.dispose();
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
}, 30_000);

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('event ids in read answers', () => {
  it('answers each event in the id format the read asks for, whichever format was read before (answers are encoded once per format and kept)', async () => {
    const stream = `test-${randomUUID()}`;
    const written = event('A');
    await client.appendToStream(stream, [written], { expectedRevision: 'no_stream' });
    const idOf = async (structured: boolean) => {
      const raw = new StreamsClient(`127.0.0.1:${emulator.port}`, credentials.createInsecure());
      const uuidOption = new ReadReq.Options.UUIDOption();
      if (structured) uuidOption.setStructured(new Empty());
      else uuidOption.setString(new Empty());
      const options = new ReadReq.Options()
        .setStream(
          new ReadReq.Options.StreamOptions()
            .setStreamIdentifier(
              new StreamIdentifier().setStreamName(Uint8Array.from(Buffer.from(stream))),
            )
            .setStart(new Empty()),
        )
        .setCount('10')
        .setUuidOption(uuidOption)
        .setNoFilter(new Empty());
      const ids: Array<ReturnType<UUID['toObject']>> = [];
      try {
        const answers = raw.read(new ReadReq().setOptions(options)) as AsyncIterable<ReadResp>;
        for await (const answer of answers)
          if (answer.hasEvent()) ids.push(answer.getEvent()!.getEvent()!.getId()!.toObject());
      } finally {
        raw.close();
      }
      return ids;
    };
    const halves = written.id.replace(/-/g, '');
    const signed = (hex: string) => BigInt.asIntN(64, BigInt(`0x${hex}`)).toString();
    for (const structured of [false, true, false, true])
      expect(await idOf(structured)).toEqual([
        structured
          ? {
              string: '',
              structured: {
                mostSignificantBits: signed(halves.slice(0, 16)),
                leastSignificantBits: signed(halves.slice(16)),
              },
            }
          : { string: written.id, structured: undefined },
      ]);
  });
});
