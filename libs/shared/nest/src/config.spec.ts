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
      logLevel: 'info',
      auth: {
        mode: 'on',
        keys: { kind: 'local', dir: 'data/auth' },
        issuer: 'urn:billing:local',
        audience: 'urn:billing:api',
        algorithms: ['ES256', 'RS256'],
        clockSkewSeconds: 30,
        claims: { tenant: 'tenant', roles: 'roles' },
      },
      http: {
        corsOrigins: [],
        production: false,
        publicHosts: [],
        throttle: { windowSeconds: 60, perToken: 30_000, perIp: 60_000 },
        trustedProxies: [],
      },
    });
  });

  it('keeps the read models in memory beside a memory store', () => {
    expect(loadConfig({ EVENT_STORE: 'memory' }, { port: 3000 })).toMatchObject({
      eventStore: { kind: 'memory' },
      readModels: { kind: 'memory' },
    });
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
    expect(
      problemsOf({
        PORT: 'x',
        EVENT_STORE: 'postgres',
        BUS: 'rabbit',
        READ_MODELS: 'redis',
        BILLING_TIME_ZONE: 'Mars/Base',
      }),
    ).toMatch(
      /PORT must be a port number[\s\S]*EVENT_STORE must be "sqlite", "memory" or "esdb"[\s\S]*BUS must be "embedded" or "kafka"[\s\S]*READ_MODELS must be[\s\S]*BILLING_TIME_ZONE/,
    );
  });

  it('names a LOG_LEVEL pino does not have, and takes one it has', () => {
    expect(problemsOf({ LOG_LEVEL: 'verbose' })).toMatch(
      /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"/,
    );
    expect(loadConfig({ LOG_LEVEL: 'debug' }, { port: 3000 }).logLevel).toBe('debug');
  });

  it('names the server address each distributed adapter requires', () => {
    const message = problemsOf({ EVENT_STORE: 'esdb', BUS: 'kafka', READ_MODELS: 'mongo' });
    expect(message).toMatch(/ESDB_URL is required with EVENT_STORE=esdb/);
    expect(message).toMatch(/KAFKA_BROKERS is required with BUS=kafka/);
    expect(message).toMatch(/MONGO_URL is required with READ_MODELS=mongo/);
    expect(
      problemsOf({
        EVENT_STORE: 'esdb',
        ESDB_URL: 'http://x',
        BUS: 'kafka',
        KAFKA_BROKERS: 'broker',
        READ_MODELS: 'mongo',
        MONGO_URL: 'x',
      }),
    ).toMatch(
      /ESDB_URL must be an esdb:\/\/[\s\S]*KAFKA_BROKERS must be comma-separated host:port, got "broker"[\s\S]*MONGO_URL must be a mongodb:\/\//,
    );
  });

  it('refuses combinations that cannot work', () => {
    expect(
      problemsOf({ EVENT_STORE: 'esdb', ESDB_URL: 'esdb://127.0.0.1:2113?tls=false' }),
    ).toMatch(/BUS=embedded runs in one process .* set BUS=kafka/);
    expect(problemsOf({ EVENT_STORE: 'memory', READ_MODELS: 'sqlite' })).toMatch(
      /READ_MODELS=sqlite persists read models over EVENT_STORE=memory/,
    );
  });

  it('takes an outside issuer: its JWKS URL or file, issuer, audience, algorithms, skew and claim names', () => {
    const env = {
      AUTH_JWKS_URL: 'https://login.example.com/.well-known/jwks.json',
      AUTH_ISSUER: 'https://login.example.com/',
      AUTH_AUDIENCE: 'billing-api',
      AUTH_ALGORITHMS: 'RS256, PS256',
      AUTH_CLOCK_SKEW_SECONDS: '60',
      AUTH_TENANT_CLAIM: 'https://billing.example.com/tenant',
      AUTH_ROLES_CLAIM: 'realm_access.roles',
    };
    expect(loadConfig(env, { port: 3000 }).auth).toEqual({
      mode: 'on',
      keys: { kind: 'url', url: 'https://login.example.com/.well-known/jwks.json' },
      issuer: 'https://login.example.com/',
      audience: 'billing-api',
      algorithms: ['RS256', 'PS256'],
      clockSkewSeconds: 60,
      claims: { tenant: 'https://billing.example.com/tenant', roles: 'realm_access.roles' },
    });
    expect(
      loadConfig(
        { AUTH_JWKS_FILE: '/keys/jwks.json', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' },
        { port: 3000 },
      ).auth,
    ).toMatchObject({
      keys: { kind: 'file', path: '/keys/jwks.json' },
    });
    expect(loadConfig({ AUTH: 'off' }, { port: 3000 }).auth).toEqual({ mode: 'off' });
  });

  it('names what is wrong with authentication', () => {
    const message = problemsOf({
      AUTH: 'maybe',
      AUTH_JWKS_URL: 'http://login.example.com/jwks',
      AUTH_ALGORITHMS: 'HS256,none',
      AUTH_CLOCK_SKEW_SECONDS: '3600',
    });
    expect(message).toMatch(/AUTH must be "on" or "off"/);
    expect(message).toMatch(
      /AUTH_JWKS_URL must be the issuer's https:\/\/ JWKS URL \(http:\/\/ only on this machine\), got "http:\/\/login.example.com\/jwks"/,
    );
    expect(message).toMatch(
      /AUTH_ISSUER is required with AUTH_JWKS_URL[\s\S]*AUTH_AUDIENCE is required with AUTH_JWKS_URL/,
    );
    expect(message).toMatch(
      /AUTH_ALGORITHMS must list asymmetric JWS algorithms .* never none or HS\*/,
    );
    expect(message).toMatch(
      /AUTH_CLOCK_SKEW_SECONDS must be whole seconds from 0 to 300, got "3600"/,
    );
    expect(
      problemsOf({
        AUTH_JWKS_URL: 'https://a.example/jwks',
        AUTH_JWKS_FILE: 'x',
        AUTH_ISSUER: 'i',
        AUTH_AUDIENCE: 'a',
      }),
    ).toMatch(/set AUTH_JWKS_URL or AUTH_JWKS_FILE, not both/);
  });

  it('reads the browser-facing rules: CORS origins, the public host in production, the rate limits', () => {
    const env = {
      CORS_ORIGINS: 'https://billing.example.com, http://localhost:5173',
      NODE_ENV: 'production',
      PUBLIC_HOST: 'Billing.example.com',
      THROTTLE_PER_TOKEN: '100',
      TRUSTED_PROXIES: 'loopback, 10.0.0.0/8, fd00::1',
    };
    expect(loadConfig(env, { port: 3000 }).http).toEqual({
      corsOrigins: ['https://billing.example.com', 'http://localhost:5173'],
      production: true,
      publicHosts: ['billing.example.com'],
      throttle: { windowSeconds: 60, perToken: 100, perIp: 60_000 },
      trustedProxies: ['loopback', '10.0.0.0/8', 'fd00::1'],
    });
    const message = problemsOf({
      NODE_ENV: 'production',
      CORS_ORIGINS: '*',
      THROTTLE_PER_IP: '0',
      TRUSTED_PROXIES: 'gateway,10.0.0.0/33,*',
    });
    expect(message).toMatch(
      /TRUSTED_PROXIES must list addresses, .* got "gateway,10.0.0.0\/33,\*"/,
    );
    expect(message).toMatch(/PUBLIC_HOST is required with NODE_ENV=production/);
    expect(message).toMatch(/CORS_ORIGINS must list origins .* got "\*"/);
    expect(message).toMatch(/THROTTLE_PER_IP must be a whole number above 0, got "0"/);
  });
});
