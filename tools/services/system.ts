import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEsdbEmulator } from '@billing/infra/esdb-emulator';
import { startKafka, type KafkaBroker } from '@billing/infra/kafka';
import { startMongo, type RunningMongo } from '@billing/infra/mongo';
import { Kafka, logLevel } from 'kafkajs';
import { CONTRACTS_TOPIC } from '@billing/contracts/messages';
import { INVOICING_TOPIC } from '@billing/invoicing/messages';
import { MILESTONES_TOPIC } from '@billing/milestones/messages';
import { RECEIVABLES_TOPIC } from '@billing/receivables/messages';
import {
  ensureLocalKeys,
  JWKS_FILE,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  type TokenClaims,
} from '@billing/shared/auth';
import { localToken } from '@billing/shared/testing';
import { spawnEsdbEmulator } from './emulator-process';
import { AppProcess } from './service-process';

export const SERVICES = ['contracts', 'milestones', 'invoicing', 'receivables'] as const;
export type Service = (typeof SERVICES)[number];
/** The integration topics, one per producing context (libs/<context>/messages). */
export const TOPICS = [CONTRACTS_TOPIC, MILESTONES_TOPIC, INVOICING_TOPIC, RECEIVABLES_TOPIC];
/** Mongo's store, beside the broker's log (in its own `log/` folder) in the servers' folder. */
const MONGO_FILE = 'mongo.mv.db';
/**
 * As the broker's (infra/kafka/broker.ts): one GC thread, and no second JIT tier, whose compiling
 * takes a core for the first tens of thousands of operations (of a run of the services, of a
 * test) from the services beside it on a small machine. Measured with 3 clients of 4 000 reads
 * and writes each: the server's CPU per operation 80 us instead of 136, p99 1.5 ms instead of 3.1.
 */
const MONGO_JVM = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

/** The local stand-ins of the distributed mode's servers (ARCHITECTURE.md "Deployment modes"). */
export class Infrastructure {
  private constructor(
    private broker: KafkaBroker,
    private readonly brokerPort: number,
    private readonly dataDir: string,
    private mongo: RunningMongo,
    private readonly esdb: { url: string; stop(): Promise<void> },
    /**
     * The issuer's key: the services get its public JWKS and verify every token themselves; the
     * clients mint tokens with it.
     */
    readonly keysDir: string,
    private readonly mongoInMemory: boolean,
  ) {}

  /**
   * A Kafka broker (KRaft, Maven jars), mongo-java-server and the ESDB emulator, each on 127.0.0.1
   * and a free port. Mongo keeps its data in an H2 file, so that `restartMongo` finds it again,
   * unless `mongoInMemory` (quicker round trips; nothing survives a restart then). The ESDB
   * emulator runs in this process unless `esdbProcess`: a benchmark gives it a process of its own,
   * as a server has.
   */
  static async start(
    log: (line: string) => void,
    options: { keysDir?: string; mongoInMemory?: boolean; esdbProcess?: boolean } = {},
  ): Promise<Infrastructure> {
    const dataDir = mkdtempSync(join(tmpdir(), 'billing-servers-'));
    const started: { stop(): Promise<void> }[] = [];
    try {
      log(
        'starting the Kafka broker (KRaft, Apache Kafka jars from infra/kafka), mongo-java-server and the ESDB emulator',
      );
      const [broker, mongo, esdb] = await Promise.all([
        startKafka({ dataDir }).then((server) => (started.push(server), server)),
        startMongo({
          javaOptions: MONGO_JVM,
          ...(options.mongoInMemory ? {} : { dataFile: join(dataDir, MONGO_FILE) }),
        }).then((server) => (started.push(server), server)),
        (options.esdbProcess ? spawnEsdbEmulator() : startEsdbEmulator()).then(
          (server) => (started.push(server), server),
        ),
      ]);
      await warmUp(broker.brokers);
      const keys = ensureLocalKeys(options.keysDir ?? join(dataDir, 'auth')).dir;
      const infrastructure = new Infrastructure(
        broker,
        Number(broker.brokers[0].split(':')[1]),
        dataDir,
        mongo,
        esdb,
        keys,
        options.mongoInMemory === true,
      );
      log(
        `Kafka broker: ${infrastructure.kafkaBrokers}  Mongo: ${infrastructure.mongoUrl}  ESDB emulator: ${infrastructure.esdbUrl}`,
      );
      return infrastructure;
    } catch (error) {
      await Promise.allSettled(started.map((server) => server.stop()));
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  get kafkaBrokers(): string {
    return this.broker.brokers.join(',');
  }

  get mongoUrl(): string {
    return this.mongo.uri;
  }

  get esdbUrl(): string {
    return this.esdb.url;
  }

  /**
   * The environment of a service on these servers (the names of libs/shared/nest/src/config.ts).
   */
  serviceEnv(port: number): Record<string, string> {
    return {
      EVENT_STORE: 'esdb',
      ESDB_URL: this.esdbUrl,
      BUS: 'kafka',
      KAFKA_BROKERS: this.kafkaBrokers,
      READ_MODELS: 'mongo',
      MONGO_URL: this.mongoUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      AUTH_JWKS_FILE: join(this.keysDir, JWKS_FILE),
      AUTH_ISSUER: LOCAL_ISSUER,
      AUTH_AUDIENCE: LOCAL_AUDIENCE,
      // The gateway, on this machine: the address it forwards is the client's.
      TRUSTED_PROXIES: 'loopback',
    };
  }

  /** A token the services accept (an admin of tenant `default` unless `claims` say otherwise). */
  token(claims: Partial<TokenClaims> = {}): Promise<string> {
    return localToken(this.keysDir, claims);
  }

  async stopBroker(): Promise<void> {
    await this.broker.stop();
  }

  /** The same broker again: same address, same log (topics, offsets, committed groups). */
  async restartBroker(): Promise<void> {
    this.broker = await startKafka({ port: this.brokerPort, dataDir: this.dataDir });
  }

  /** SIGTERM: the server closes its connections and writes its store to the file. */
  async stopMongo(): Promise<void> {
    await this.mongo.stop();
  }

  /**
   * The same Mongo server again: same address, same data (every read model, checkpoint and lease).
   */
  async restartMongo(): Promise<void> {
    if (this.mongoInMemory)
      throw new Error(
        'Mongo runs in memory here: a restart would lose every read model (start the servers without mongoInMemory)',
      );
    this.mongo = await startMongo({
      port: this.mongo.port,
      dataFile: join(this.dataDir, MONGO_FILE),
      javaOptions: MONGO_JVM,
    });
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.broker.stop(), this.mongo.stop(), this.esdb.stop()]);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * A fresh broker loads its group and transaction coordinators for a few seconds after it answers:
 * one idempotent send and the services' topics (8 partitions, as KafkaBus creates them) first, so
 * that four services booting at once neither race to create the same topics nor log the wait.
 */
async function warmUp(brokers: string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'start-services',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 20, maxRetryTime: 1_000 },
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await Promise.all([admin.connect(), producer.connect()]);
    await admin.createTopics({
      topics: TOPICS.map((topic) => ({ topic, numPartitions: 8 })),
      waitForLeaders: true,
    });
    await producer.send({ topic: 'billing.warm-up', acks: -1, messages: [{ value: 'ready' }] });
  } finally {
    await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
  }
}

export interface Ports {
  gateway: number;
  services: Record<Service, number>;
}

/**
 * The four services, each its own process on the infrastructure, and the gateway in front of them.
 */
export class Services {
  constructor(
    readonly services: Record<Service, AppProcess>,
    readonly gateway: AppProcess,
    readonly url: string,
  ) {}

  /**
   * One more process of a service on the same servers (same consumer group, same Mongo database).
   */
  static instance(
    infrastructure: Infrastructure,
    service: Service,
    port: number,
    output: (line: string) => void,
    name: string = service,
  ): AppProcess {
    const spec = {
      name,
      main: `apps/${service}/src/main.ts`,
      env: infrastructure.serviceEnv(port),
      healthUrl: `http://127.0.0.1:${port}/health/live`,
      output,
    };
    return new AppProcess(spec);
  }

  static async start(
    infrastructure: Infrastructure,
    ports: Ports,
    output: (line: string) => void,
  ): Promise<Services> {
    const services = Object.fromEntries(
      SERVICES.map((service) => [
        service,
        Services.instance(infrastructure, service, ports.services[service], output),
      ]),
    ) as Record<Service, AppProcess>;
    const upstreams = Object.fromEntries(
      SERVICES.map((service) => [
        `${service.toUpperCase()}_URL`,
        `http://127.0.0.1:${ports.services[service]}`,
      ]),
    );
    const url = `http://127.0.0.1:${ports.gateway}`;
    const gateway = new AppProcess({
      name: 'gateway',
      main: 'apps/gateway/src/main.ts',
      env: { ...upstreams, PORT: String(ports.gateway), HOST: '127.0.0.1' },
      healthUrl: `${url}/health`,
      output,
    });
    const system = new Services(services, gateway, url);
    try {
      await Promise.all(SERVICES.map((service) => services[service].start()));
      await gateway.start();
    } catch (error) {
      await system.kill();
      throw error;
    }
    return system;
  }

  /**
   * SIGTERM to all (the gateway first), so consumers commit their offsets and leave their groups.
   */
  async stop(graceMs?: number): Promise<void> {
    await this.gateway.stop(graceMs);
    await Promise.all(SERVICES.map((service) => this.services[service].stop(graceMs)));
  }

  async kill(): Promise<void> {
    await Promise.all(
      [this.gateway, ...SERVICES.map((service) => this.services[service])].map((process) =>
        process.kill(),
      ),
    );
  }

  /**
   * Each service's readiness: `ok`, or what it answered instead (`degraded` naming what it parked,
   * or not ready).
   */
  async readiness(): Promise<Record<Service, string>> {
    const status = async (service: Service) => {
      const response = await fetch(
        this.services[service].spec.healthUrl.replace(/\/live$/, '/ready'),
      );
      const body = (await response.json()) as { status?: string };
      return response.ok && body.status === 'ok'
        ? 'ok'
        : `${response.status} ${JSON.stringify(body)}`;
    };
    return Object.fromEntries(
      await Promise.all(SERVICES.map(async (service) => [service, await status(service)])),
    ) as Record<Service, string>;
  }
}
