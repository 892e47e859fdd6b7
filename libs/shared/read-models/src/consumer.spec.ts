import { ConsumerState, isUnavailable, parkedProblems } from './consumer';
import { InMemoryReadModels } from './in-memory.read-models';

/**
 * A MongoBulkWriteError as mongodb 6 builds one around the error that stopped the write
 * (bulk/common.ts).
 */
const bulkWriteError = (stoppedBy: object) =>
  Object.assign(new Error('bulk write failed'), {
    name: 'MongoBulkWriteError',
    errorResponse: stoppedBy,
    writeErrors: [],
  });

describe('isUnavailable: a server that cannot be reached is waited out, never an event parked for it', () => {
  it('takes a bulk write stopped by a closed connection or by no server for the outage it is', () => {
    expect(
      isUnavailable(
        bulkWriteError(
          Object.assign(new Error('connection 5 to 127.0.0.1:27017 closed'), {
            name: 'MongoNetworkError',
          }),
        ),
      ),
    ).toBe(true);
    expect(
      isUnavailable(
        bulkWriteError(
          Object.assign(new Error('Server selection timed out'), {
            name: 'MongoServerSelectionError',
          }),
        ),
      ),
    ).toBe(true);
  });

  it('takes a socket the server closed, as the driver lets it through when it writes in that moment, for an outage', () => {
    // How Node reports a write to a socket whose peer has ended it (net.js writeAfterFIN), or reset
    // it.
    expect(
      isUnavailable(
        Object.assign(new Error('This socket has been ended by the other party'), {
          code: 'EPIPE',
        }),
      ),
    ).toBe(true);
    expect(isUnavailable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(
      true,
    );
  });

  it('takes a SQLite file that cannot be written now (a full disk, an I/O error, damage) for one: no event is parked for it', () => {
    const sqlite = (code: string) => Object.assign(new Error(code), { name: 'SqliteError', code });
    for (const code of ['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_BUSY', 'SQLITE_CORRUPT'])
      expect([code, isUnavailable(sqlite(code))]).toEqual([code, true]);
    expect(isUnavailable(sqlite('SQLITE_CONSTRAINT_UNIQUE'))).toBe(false);
  });

  it('does not take a failed write or any other error for one', () => {
    expect(
      isUnavailable(
        bulkWriteError({ message: 'E11000 duplicate key error', code: 11000, writeErrors: [{}] }),
      ),
    ).toBe(false);
    expect(
      isUnavailable(
        Object.assign(new Error('E11000 duplicate key error'), {
          name: 'MongoServerError',
          code: 11000,
        }),
      ),
    ).toBe(false);
    expect(
      isUnavailable(new TypeError('A read-model update must return the document, not a promise')),
    ).toBe(false);
    expect(isUnavailable(undefined)).toBe(false);
  });
});

describe('parkedProblems', () => {
  it("names a broker's message by its topic, partition and offset, an event by its stream and revision", () => {
    const entry = {
      consumer: 'milestones',
      type: 'ContractActivated',
      tenantId: 'acme',
      error: 'contractId: is required',
      parkedAt: '2026-11-30T00:00:00.000Z',
      eventId: 'e-1',
    };
    expect(
      parkedProblems([
        { ...entry, streamId: 'billing.contracts/2', revision: -1, position: 7 },
        { ...entry, streamId: 'contract-acme.1', revision: 3, position: 41 },
      ]),
    ).toEqual([
      'parked by milestones: ContractActivated billing.contracts/2@7 (offset 7, tenant acme): contractId: is required',
      'parked by milestones: ContractActivated contract-acme.1@3 (position 41, tenant acme): contractId: is required',
    ]);
  });
});

describe('ConsumerState.checkpointsPast', () => {
  it('reads the positions before the head: an instance running beside it, which appends before it commits, never looks ahead', async () => {
    const state = new ConsumerState(new InMemoryReadModels());
    await state.commit('projection:a@v1', 10);
    // The head is 10 when asked; right after, the other instance appends and commits 12.
    const head = async () => {
      await state.commit('projection:a@v1', 12);
      return 10;
    };
    expect(await state.checkpointsPast(head)).toEqual([]);
    // Read models really ahead of the store are named.
    expect(await state.checkpointsPast(async () => 11)).toEqual([
      { consumer: 'projection:a@v1', position: 12, head: 11 },
    ]);
  });
});
