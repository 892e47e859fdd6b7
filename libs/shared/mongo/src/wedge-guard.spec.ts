import { EventEmitter } from 'node:events';
import { logTo } from '@billing/shared/logging';
import { mongo } from 'mongoose';
import { MongoReadModels } from './mongo.read-models';
import { WedgeGuard, wedgeLimits } from './wedge-guard';

describe('wedgeLimits', () => {
  it("follows the client's effective timeouts, those of its connection string included", () => {
    const client = new mongo.MongoClient(
      'mongodb://127.0.0.1:27017/?connectTimeoutMS=2000&heartbeatFrequencyMS=30000',
    );
    expect(wedgeLimits(client.options)).toEqual({
      heartbeatMs: 6_000,
      awaitedHeartbeatMs: 36_000,
      graceMs: 2_000,
    });
    // The driver's defaults where nothing is said: 30 s to connect, a check every 10 s.
    expect(wedgeLimits(new mongo.MongoClient('mongodb://127.0.0.1:27017').options)).toEqual({
      heartbeatMs: 90_000,
      awaitedHeartbeatMs: 100_000,
      graceMs: 30_000,
    });
  });

  it('takes no heartbeat for wedged when connections have no timeout, and still gives up what an outage caught', () => {
    const client = new mongo.MongoClient('mongodb://127.0.0.1:27017', {
      connectTimeoutMS: 0,
      serverSelectionTimeoutMS: 7_000,
    });
    expect(wedgeLimits(client.options)).toEqual({ graceMs: 7_000 });
  });
});

describe('WedgeGuard', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("watches each server's heartbeat on its own: a member that answers does not hide one that wedged", async () => {
    const lines: string[] = [];
    const restoreLog = logTo((line) => lines.push(line));
    const client = Object.assign(new EventEmitter(), {
      options: {
        connectTimeoutMS: 1_000,
        heartbeatFrequencyMS: 10_000,
        serverSelectionTimeoutMS: 1_000,
      },
      close: jest.fn(async () => undefined),
      connect: jest.fn(async () => undefined),
    });
    const guard = new WedgeGuard(client as unknown as mongo.MongoClient);
    try {
      client.emit('serverHeartbeatStarted', { connectionId: 'a:27017', awaited: false });
      client.emit('serverHeartbeatStarted', { connectionId: 'b:27017', awaited: false });
      client.emit('serverHeartbeatSucceeded', { connectionId: 'b:27017' });
      await jest.advanceTimersByTimeAsync(3_001);
      expect(client.close).toHaveBeenCalledTimes(1);
      expect(client.connect).toHaveBeenCalledTimes(1);
      expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toContain(
        "the Mongo driver's heartbeat has run for over 3000 ms: reconnecting",
      );
    } finally {
      guard.close();
      restoreLog();
    }
  });
});

describe('MongoReadModels', () => {
  it('refuses a connection string the driver cannot take, naming it without its password', () => {
    expect(() => new MongoReadModels('mongodb://billing:s3cret@127.0.0.1:27017/?bogus=1')).toThrow(
      'no Mongo client could be made for mongodb://***@127.0.0.1:27017/?bogus=1: is it a connection string (mongodb://host:port)?',
    );
  });
});
