import { createServer, type AddressInfo, type Server } from 'node:net';
import { MongoReadModels } from '@billing/shared/mongo';
import { loadConfig } from '@billing/shared/nest';
import { buildInfrastructure } from './infrastructure';
import { UnreachableError, waitForServers } from './reachable';

/** A port that refuses connections: bound, then closed. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a service whose servers do not answer at boot', () => {
  it('waits a bounded time, then stops naming each server it could not reach', async () => {
    const [esdb, kafka, mongo] = [await closedPort(), await closedPort(), await closedPort()];
    const env = {
      EVENT_STORE: 'esdb',
      ESDB_URL: `esdb://127.0.0.1:${esdb}?tls=false`,
      BUS: 'kafka',
      KAFKA_BROKERS: `127.0.0.1:${kafka}`,
      READ_MODELS: 'mongo',
      MONGO_URL: `mongodb://127.0.0.1:${mongo}`,
    };
    const config = loadConfig(env, { port: 0 });
    // The Mongo client gives up selecting a server after 1 s (20 s at boot), so that it closes at
    // once.
    const readModels = new MongoReadModels(env.MONGO_URL, {
      dbName: 'invoicing',
      serverSelectionTimeoutMS: 1_000,
    });
    const infrastructure = {
      ...buildInfrastructure({ ...config, readModels: { kind: 'memory' } }, 'invoicing'),
      readModels,
    };
    const lines: string[] = [];
    const started = Date.now();
    try {
      const waiting = waitForServers(config, infrastructure, (line) => lines.push(line), 1_000);
      await expect(waiting).rejects.toBeInstanceOf(UnreachableError);
      await expect(waiting).rejects.toThrow(
        new RegExp(
          `EventStoreDB unreachable at esdb://127.0.0.1:${esdb}.*after 1 s.*Kafka unreachable at 127.0.0.1:${kafka} after 1 s.*MongoDB unreachable at mongodb://127.0.0.1:${mongo} after 1 s`,
        ),
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(lines).toEqual(
        expect.arrayContaining([expect.stringMatching(/^waiting up to 1 s for Kafka at /)]),
      );
    } finally {
      await Promise.allSettled([
        infrastructure.eventStore.close(),
        infrastructure.readModels.close(),
        infrastructure.bus.close(),
      ]);
    }
  }, 20_000);
});
