import { ConfigError, loadConfig } from './config';

const problemsOf = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(env, { port: 3000 });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('app config', () => {
  it('defaults to the embedded SQLite store, bus and read models on localhost', () => {
    expect(loadConfig({}, { port: 3000 })).toEqual({
      port: 3000,
      host: '127.0.0.1',
      eventStore: { kind: 'sqlite' },
      bus: { kind: 'embedded' },
      readModels: { kind: 'sqlite' },
      dataDir: 'data',
      timeZone: 'UTC',
    });
  });

  it('keeps the read models in memory beside a memory store', () => {
    expect(loadConfig({ EVENT_STORE: 'memory' }, { port: 3000 })).toMatchObject({ eventStore: { kind: 'memory' }, readModels: { kind: 'memory' } });
  });

  it('reads the distributed mode: EventStoreDB, Kafka and MongoDB', () => {
    const env = {
      EVENT_STORE: 'esdb',
      ESDB_URL: 'esdb://127.0.0.1:2113?tls=false',
      BUS: 'kafka',
      KAFKA_BROKERS: '127.0.0.1:9092, kafka:9093',
      READ_MODELS: 'mongo',
      MONGO_URL: 'mongodb://127.0.0.1:27017',
      PORT: '3003',
      HOST: '0.0.0.0',
    };
    expect(loadConfig(env, { port: 3000 })).toMatchObject({
      port: 3003,
      host: '0.0.0.0',
      eventStore: { kind: 'esdb', url: 'esdb://127.0.0.1:2113?tls=false' },
      bus: { kind: 'kafka', brokers: ['127.0.0.1:9092', 'kafka:9093'] },
      readModels: { kind: 'mongo', url: 'mongodb://127.0.0.1:27017' },
    });
  });

  it('stops with every problem named', () => {
    expect(problemsOf({ PORT: 'x', EVENT_STORE: 'postgres', BUS: 'rabbit', READ_MODELS: 'redis', BILLING_TIME_ZONE: 'Mars/Base' })).toMatch(
      /PORT must be a port number[\s\S]*EVENT_STORE must be "sqlite", "memory" or "esdb"[\s\S]*BUS must be "embedded" or "kafka"[\s\S]*READ_MODELS must be[\s\S]*BILLING_TIME_ZONE/,
    );
  });

  it('names the server address each distributed adapter requires', () => {
    const message = problemsOf({ EVENT_STORE: 'esdb', BUS: 'kafka', READ_MODELS: 'mongo' });
    expect(message).toMatch(/ESDB_URL is required with EVENT_STORE=esdb/);
    expect(message).toMatch(/KAFKA_BROKERS is required with BUS=kafka/);
    expect(message).toMatch(/MONGO_URL is required with READ_MODELS=mongo/);
    expect(problemsOf({ EVENT_STORE: 'esdb', ESDB_URL: 'http://x', BUS: 'kafka', KAFKA_BROKERS: 'broker', READ_MODELS: 'mongo', MONGO_URL: 'x' })).toMatch(
      /ESDB_URL must be an esdb:\/\/[\s\S]*KAFKA_BROKERS must be comma-separated host:port, got "broker"[\s\S]*MONGO_URL must be a mongodb:\/\//,
    );
  });

  it('refuses combinations that cannot work', () => {
    expect(problemsOf({ EVENT_STORE: 'esdb', ESDB_URL: 'esdb://127.0.0.1:2113?tls=false' })).toMatch(/BUS=embedded runs in one process .* set BUS=kafka/);
    expect(problemsOf({ EVENT_STORE: 'memory', READ_MODELS: 'sqlite' })).toMatch(/READ_MODELS=sqlite persists read models over EVENT_STORE=memory/);
  });
});
