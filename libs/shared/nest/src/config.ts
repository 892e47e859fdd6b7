import type { AuthConfig } from '@billing/shared/auth';
import { logLevelOf, type LogLevel } from '@billing/shared/logging';
import { authOf, httpOf, type HttpConfig } from './security-config';

/**
 * One typed, validated config per app; a wrong value stops the boot with a message a person can act
 * on.
 */
export interface AppConfig {
  port: number;
  host: string;
  eventStore: EventStoreConfig;
  bus: BusConfig;
  readModels: ReadModelsConfig;
  dataDir: string;
  timeZone: string;
  /**
   * Bearer tokens verified against the issuer's keys (ARCHITECTURE.md "Identity and events"), or
   * off by explicit choice.
   */
  auth: AuthConfig;
  http: HttpConfig;
  logLevel: LogLevel;
}

export type EventStoreConfig =
  { kind: 'sqlite' } | { kind: 'memory' } | { kind: 'esdb'; url: string };
export type BusConfig = { kind: 'embedded' } | { kind: 'kafka'; brokers: string[] };
/** Mongo: the database is the service's name, whatever the URL names. */
export type ReadModelsConfig =
  { kind: 'sqlite' } | { kind: 'memory' } | { kind: 'mongo'; url: string };

export class ConfigError extends Error {}

type Problems = string[];

/**
 * The environment variables of every app (docker-compose.yml and tools/services use these names):
 * PORT, HOST, DATA_DIR, BILLING_TIME_ZONE, EVENT_STORE (+ ESDB_URL), BUS (+ KAFKA_BROKERS),
 * READ_MODELS (+ MONGO_URL), LOG_LEVEL; AUTH and AUTH_* (security-config.ts); CORS_ORIGINS,
 * NODE_ENV, PUBLIC_HOST, THROTTLE_*.
 */
export function loadConfig(env: NodeJS.ProcessEnv, defaults: { port: number }): AppConfig {
  const problems: Problems = [];
  const port = Number(env.PORT ?? defaults.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT must be a port number, got "${env.PORT}"`);
  const eventStore = eventStoreOf(env, problems);
  const bus = busOf(env, eventStore, problems);
  const readModels = readModelsOf(env, eventStore, problems);
  const timeZone = env.BILLING_TIME_ZONE ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    problems.push(
      `BILLING_TIME_ZONE must be an IANA time zone such as America/New_York, got "${timeZone}"`,
    );
  }
  const dataDir = env.DATA_DIR ?? 'data';
  const auth = authOf(env, dataDir, problems);
  const http = httpOf(env, problems);
  const logLevel = logLevelOf(env, problems);
  if (problems.length)
    throw new ConfigError(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    eventStore: eventStore!,
    bus: bus!,
    readModels: readModels!,
    dataDir,
    timeZone,
    auth,
    http,
    logLevel: logLevel!,
  };
}

function eventStoreOf(env: NodeJS.ProcessEnv, problems: Problems): EventStoreConfig | undefined {
  const kind = env.EVENT_STORE ?? 'sqlite';
  if (kind === 'sqlite' || kind === 'memory') return { kind };
  if (kind !== 'esdb')
    return void problems.push(`EVENT_STORE must be "sqlite", "memory" or "esdb", got "${kind}"`);
  const url = env.ESDB_URL;
  if (!url)
    return void problems.push(
      'ESDB_URL is required with EVENT_STORE=esdb (e.g. esdb://127.0.0.1:2113?tls=false)',
    );
  if (!/^esdb(\+discover)?:\/\/[^/?]+/.test(url))
    return void problems.push(
      `ESDB_URL must be an esdb:// connection string such as esdb://127.0.0.1:2113?tls=false, got "${url}"`,
    );
  return { kind, url };
}

function busOf(
  env: NodeJS.ProcessEnv,
  store: EventStoreConfig | undefined,
  problems: Problems,
): BusConfig | undefined {
  const kind = env.BUS ?? 'embedded';
  if (kind === 'embedded') {
    // The embedded bus is the store's own subscriptions in one process: it cannot span services.
    if (store?.kind === 'esdb')
      return void problems.push(
        'BUS=embedded runs in one process on a sqlite or memory store: with EVENT_STORE=esdb set BUS=kafka',
      );
    return { kind };
  }
  if (kind !== 'kafka')
    return void problems.push(`BUS must be "embedded" or "kafka", got "${kind}"`);
  const list = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (list.length === 0)
    return void problems.push(
      'KAFKA_BROKERS is required with BUS=kafka (comma-separated host:port, e.g. 127.0.0.1:9092)',
    );
  const wrong = list.filter((broker) => !/^[^\s:/]+:\d{1,5}$/.test(broker));
  if (wrong.length)
    return void problems.push(
      `KAFKA_BROKERS must be comma-separated host:port, got "${wrong.join(',')}"`,
    );
  return { kind, brokers: list };
}

function readModelsOf(
  env: NodeJS.ProcessEnv,
  store: EventStoreConfig | undefined,
  problems: Problems,
): ReadModelsConfig | undefined {
  // Read models that outlive a memory store would hold positions of events that are gone.
  const kind = env.READ_MODELS ?? (store?.kind === 'memory' ? 'memory' : 'sqlite');
  if (kind !== 'sqlite' && kind !== 'memory' && kind !== 'mongo')
    return void problems.push(`READ_MODELS must be "sqlite", "memory" or "mongo", got "${kind}"`);
  if (kind !== 'memory' && store?.kind === 'memory')
    return void problems.push(
      `READ_MODELS=${kind} persists read models over EVENT_STORE=memory, which forgets its events: use READ_MODELS=memory`,
    );
  if (kind !== 'mongo') return { kind };
  const url = env.MONGO_URL;
  if (!url)
    return void problems.push(
      "MONGO_URL is required with READ_MODELS=mongo (e.g. mongodb://127.0.0.1:27017; the database is the service's name)",
    );
  if (!/^mongodb(\+srv)?:\/\/\S+$/.test(url))
    return void problems.push(`MONGO_URL must be a mongodb:// connection string, got "${url}"`);
  return { kind, url };
}
