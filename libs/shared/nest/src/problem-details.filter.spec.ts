import { Logger, type ArgumentsHost } from '@nestjs/common';
import { IdempotencyKeyReused } from '@billing/shared/event-store';
import { ConcurrencyError } from '@billing/shared/kernel';
import { ProblemDetailsFilter } from './problem-details.filter';

/** What the filter sends for `error`: status, headers and body. */
function answer(error: unknown) {
  const sent = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const response = {
    setHeader: (name: string, value: string) => void (sent.headers[name] = value),
    status: (status: number) => ((sent.status = status), response),
    type: () => response,
    json: (body: unknown) => void (sent.body = body),
  };
  new ProblemDetailsFilter().catch(error, {
    switchToHttp: () => ({ getResponse: () => response }),
  } as unknown as ArgumentsHost);
  return sent;
}

describe('ProblemDetailsFilter', () => {
  let logged: jest.SpyInstance[];
  // The filter logs through Nest's Logger: the expected warnings and errors stay out of the test
  // output.
  beforeEach(
    () =>
      (logged = (['warn', 'error'] as const).map((level) =>
        jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined),
      )),
  );
  afterEach(() => logged.forEach((spy) => spy.mockRestore()));

  it('answers 503 with Retry-After when a read-model server cannot be reached, without its internals', () => {
    const closed = Object.assign(new Error('connection 7 to 127.0.0.1:27017 closed'), {
      name: 'MongoNetworkError',
    });
    const bulk = Object.assign(new Error('bulk write failed'), {
      name: 'MongoBulkWriteError',
      errorResponse: closed,
    });
    for (const error of [
      closed,
      bulk,
      Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }),
    ]) {
      const sent = answer(error);
      expect(sent).toMatchObject({
        status: 503,
        headers: { 'Retry-After': '1' },
        body: { type: 'urn:billing:unavailable' },
      });
      expect(JSON.stringify(sent.body)).not.toContain('127.0.0.1');
    }
    expect(logged[0]).toHaveBeenCalledTimes(3);
  });

  it('answers a command that kept meeting other writers 409 with Retry-After, a key reused by another process 422, a damaged SQLite file 500', () => {
    expect(answer(new ConcurrencyError('numbering kept changing'))).toMatchObject({
      status: 409,
      headers: { 'Retry-After': '1' },
    });
    expect(answer(new IdempotencyKeyReused('first used with another request'))).toMatchObject({
      status: 422,
      body: { type: 'urn:billing:idempotency-422', title: 'Idempotency-Key reused' },
    });
    const sqlite = (code: string) => Object.assign(new Error(code), { name: 'SqliteError', code });
    // Says what the operator has to fix: not "a server", for the disk under the data folder.
    expect(answer(sqlite('SQLITE_FULL'))).toMatchObject({
      status: 503,
      body: {
        detail:
          'the disk that holds the data is full: nothing was written; send it again once space is freed',
      },
    });
    expect(answer(sqlite('SQLITE_READONLY'))).toMatchObject({
      status: 503,
      body: {
        detail: 'the data cannot be written (its file or folder is read-only): nothing was written',
      },
    });
    expect(answer(sqlite('SQLITE_IOERR_WRITE'))).toMatchObject({
      status: 503,
      body: { detail: 'the data folder cannot be written now (an I/O error): nothing was written' },
    });
    expect(answer(sqlite('SQLITE_CORRUPT'))).toMatchObject({ status: 500, headers: {} });
  });

  it('answers 500 without details for anything else', () => {
    expect(answer(new Error('boom'))).toMatchObject({
      status: 500,
      body: { type: 'urn:billing:internal' },
    });
    expect(logged[1]).toHaveBeenCalledTimes(1);
  });
});
