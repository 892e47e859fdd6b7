import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Resolved by tools/ensure-infra.sh from infra/kafka/pom.xml (Apache Kafka 3.9.x from Maven
 * Central).
 */
const JARS = join(__dirname, 'target', 'jars');
const JVM = [
  '-Xms128m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Djava.net.preferIPv4Stack=true',
  '-Djava.awt.headless=true',
];
const HOST = '127.0.0.1';

export interface KafkaBroker {
  /** Bootstrap addresses for kafkajs: `127.0.0.1:<port>`. */
  brokers: string[];
  /** Where the broker keeps its log (removed by stop() unless it was passed in). */
  dataDir: string;
  stop(): Promise<void>;
}

export interface KafkaBrokerOptions {
  /** A fixed port (to restart a broker at the same address); a free one otherwise. */
  port?: number;
  /** Keep the log here across restarts; a fresh temporary folder, removed on stop, otherwise. */
  dataDir?: string;
  startTimeoutMs?: number;
}

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one JVM), listening on
 * 127.0.0.1 only: for the tests and `npm run start:services` on a machine without Docker.
 * Its output (warnings and errors, the last 200 lines) is shown only if it fails to start.
 */
export async function startKafka(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  if (!existsSync(join(JARS, '.resolved')))
    throw new Error(`Kafka jars missing in ${JARS}: run \`bash tools/ensure-infra.sh\` first`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      // A free port picked here was taken by another process before the broker bound it (tests
      // start servers side by side): pick again.
      if (attempt >= BIND_ATTEMPTS || !/Address already in use/.test((error as Error).message))
        throw error;
      process.stderr.write(
        `the Kafka broker could not bind a port another process had taken meanwhile; starting it again (attempt ${attempt + 1})\n`,
      );
    }
  }
}

/** Starts that fail on a port another process took in between, before giving up. */
const BIND_ATTEMPTS = 3;

async function startOnce(options: KafkaBrokerOptions): Promise<KafkaBroker> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kafka-'));
  const removeDir = () =>
    void (options.dataDir ?? rmSync(dataDir, { recursive: true, force: true }));
  const port = options.port ?? (await freePort());
  const brokers = [`${HOST}:${port}`];
  let java: Java | undefined;
  try {
    const props = configure(dataDir, port, await freePort());
    java = launch(dataDir, props);
    await waitUntilReady(brokers, java.child, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await java?.stop();
    removeDir();
    throw new Error(
      `${(error as Error).message}${java ? `\n--- broker output ---\n${java.output.join('\n')}` : ''}`,
    );
  }
  const running = java;
  return { brokers, dataDir, stop: async () => (await running.stop(), removeDir()) };
}

/** Writes the broker's configuration into `dataDir` and formats its storage the first time. */
function configure(dataDir: string, port: number, controllerPort: number): string {
  mkdirSync(join(dataDir, 'log'), { recursive: true });
  const props = join(dataDir, 'server.properties');
  writeFileSync(props, serverProperties(port, controllerPort, join(dataDir, 'log')));
  writeFileSync(join(dataDir, 'log4j.properties'), LOG4J);
  if (!existsSync(join(dataDir, 'log', 'meta.properties'))) format(dataDir, props);
  return props;
}

interface Java {
  child: ChildProcess;
  /** The last 200 lines it printed. */
  output: string[];
  stop(): Promise<void>;
}

function launch(dataDir: string, props: string): Java {
  const output: string[] = [];
  const child = spawn(
    'java',
    [
      ...JVM,
      `-Dlog4j.configuration=file:${join(dataDir, 'log4j.properties')}`,
      '-cp',
      `${JARS}/*`,
      'kafka.Kafka',
      props,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const keep = (chunk: Buffer) =>
    output.push(...chunk.toString().split('\n').filter(Boolean)) > 200 &&
    output.splice(0, output.length - 200);
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // The broker never outlives the process that started it.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  return { child, output, stop: () => (process.removeListener('exit', orphan), terminate(child)) };
}

function serverProperties(port: number, controllerPort: number, logDir: string): string {
  return Object.entries({
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${HOST}:${controllerPort}`,
    listeners: `PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': logDir,
    'num.partitions': 8,
    'auto.create.topics.enable': true,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 8,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 4,
    'group.initial.rebalance.delay.ms': 0,
    // A consumer may ask for a short session, so that an instance killed in a test is replaced in
    // seconds.
    'group.min.session.timeout.ms': 1000,
    'num.network.threads': 2,
    'num.io.threads': 2,
    'background.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'log.cleaner.threads': 1,
  })
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('\n');
}

function format(dataDir: string, props: string): void {
  // A cluster id is a Kafka Uuid: 16 random bytes, base64url without padding, and (as Kafka's
  // Uuid.randomUuid() ensures) not starting with '-', which the tool's arguments would read as an
  // option.
  let clusterId = '-';
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  const result = spawnSync(
    'java',
    [
      ...JVM,
      `-Dlog4j.configuration=file:${join(dataDir, 'log4j.properties')}`,
      '-cp',
      `${JARS}/*`,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      props,
    ],
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0)
    throw new Error(
      `formatting the Kafka storage failed (${result.status}):\n${result.stdout}${result.stderr}`,
    );
}

async function waitUntilReady(
  brokers: string[],
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const admin = new Kafka({
    clientId: 'kafka-launcher',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  }).admin();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `the Kafka broker exited (${child.exitCode ?? child.signalCode}) while starting`,
      );
    if (Date.now() > deadline)
      throw new Error(
        `the Kafka broker did not answer on ${brokers.join()} within ${timeoutMs} ms`,
      );
    try {
      await admin.connect();
      await admin.describeCluster();
      await admin.disconnect();
      return;
    } catch {
      await admin.disconnect().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** SIGTERM (a controlled shutdown), then SIGKILL if it takes longer than `graceMs`. */
function terminate(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    child.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Warnings and errors only, on stdout (kept by startKafka, shown on failure). */
const LOG4J = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  // Every client that connects and goes is a line at INFO/WARN here: not worth keeping.
  'log4j.logger.org.apache.kafka.common.network.Selector=ERROR',
  'log4j.logger.state.change.logger=ERROR',
].join('\n');
