import { mongo } from 'mongoose';
import { wedgeLimits } from './wedge-guard';

describe('wedgeLimits', () => {
  it("follows the client's effective timeouts, those of its connection string included", () => {
    const client = new mongo.MongoClient('mongodb://127.0.0.1:27017/?connectTimeoutMS=2000&heartbeatFrequencyMS=30000');
    expect(wedgeLimits(client.options)).toEqual({ heartbeatMs: 6_000, awaitedHeartbeatMs: 36_000, graceMs: 2_000 });
    // The driver's defaults where nothing is said: 30 s to connect, a check every 10 s.
    expect(wedgeLimits(new mongo.MongoClient('mongodb://127.0.0.1:27017').options)).toEqual({ heartbeatMs: 90_000, awaitedHeartbeatMs: 100_000, graceMs: 30_000 });
  });

  it('sets none when connections have no timeout: nothing bounds a check then', () => {
    expect(wedgeLimits(new mongo.MongoClient('mongodb://127.0.0.1:27017', { connectTimeoutMS: 0 }).options)).toBeUndefined();
  });
});
