import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { INestApplication, Type } from '@nestjs/common';
import { logger, setLogLevel } from '@billing/shared/logging';
import {
  Background,
  composeApp,
  ConfigError,
  configureHttp,
  loadConfig,
  loggingModule,
  useJsonLogger,
  type AppConfig,
  type Infrastructure,
} from '@billing/shared/nest';
import { ConsumerState } from '@billing/shared/read-models';
import { buildInfrastructure } from './infrastructure';
import { UnreachableError, waitForServers } from './reachable';
import { openSecurity } from './security';

export { buildInfrastructure } from './infrastructure';
export { BOOT_WAIT_MS, waitForServers } from './reachable';
export { openSecurity } from './security';

/**
 * An app's main: validate config (stop with the problems named), build the adapters, serve HTTP;
 * JSON log lines on stdout.
 */
export function runApp(
  title: string,
  defaultPort: number,
  features: Type<unknown>[],
  service = 'billing',
): void {
  logger.setBindings({ service });
  const start = async (): Promise<INestApplication> => {
    const config = loadConfig(process.env, { port: defaultPort });
    setLogLevel(config.logLevel);
    const infrastructure = buildInfrastructure(config, service);
    infrastructure.settings.security = await openSecurity(config, title);
    await waitForServers(config, infrastructure, (line) => logger.info(`${title}: ${line}`));
    await refuseReadModelsOfAnotherStore(infrastructure);
    const composed = composeApp(features, infrastructure);
    const root = { ...composed, imports: [...(composed.imports ?? []), loggingModule()] };
    const nest = await NestFactory.create(root, { bufferLogs: true, bodyParser: false });
    useJsonLogger(nest);
    const app = configureHttp(nest, title);
    await app.init();
    // Serve no figures from read models behind the store: they resume from their committed
    // positions, so this is short.
    const head = await infrastructure.eventStore.headPosition();
    await app.get(Background).projections.caughtUp(head, Number.POSITIVE_INFINITY);
    await app.listen(config.port, config.host).catch((error: Error) => {
      throw new ConfigError(
        `cannot listen on ${config.host}:${config.port} (HOST, PORT): ${error.message}`,
      );
    });
    // The port it got (PORT=0 asks for any free one), not the one asked for.
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    logger.info(
      `${title} listening on http://${config.host}:${port} (API docs: /docs, ${describe(config)})`,
    );
    return app;
  };
  start().catch((error) => {
    if (error instanceof ConfigError || error instanceof UnreachableError)
      logger.fatal(`${title}: ${error.message}`);
    else logger.fatal({ err: error }, `${title} could not start`);
    process.exit(1);
  });
}

/**
 * Read models ahead of the event store were built from another store (a service pointed at the
 * wrong one) or before it went back (a restore; a backup of the events taken before the one of the
 * read models): served, they would skip every event up to their positions, the consumer groups
 * whose positions live beside them would skip their reactions, and on the Kafka bus take their
 * share of it and park what they cannot find. The service does not start (README "Operating
 * notes").
 */
async function refuseReadModelsOfAnotherStore({
  eventStore,
  readModels,
}: Pick<Infrastructure, 'eventStore' | 'readModels'>): Promise<void> {
  const ahead = await new ConsumerState(readModels).checkpointsPast(() =>
    eventStore.headPosition(),
  );
  if (ahead.length === 0) return;
  const which = ahead.map(({ consumer, position }) => `${consumer} at position ${position}`);
  throw new ConfigError(
    `cannot start: the read models are ahead of the event store (${which.join(', ')}; ` +
      `the store's head is ${ahead[0].head}): they were built from another store, or the store ` +
      `went back. Point the service at the store they were built from, restore both from one ` +
      `backup (npm run backup takes them in an order that cannot give this), or rebuild them from ` +
      `this store (README "Operating notes")`,
  );
}

function describe({ eventStore, bus, readModels, dataDir }: AppConfig): string {
  const where = (kind: string, address?: string) =>
    kind === 'sqlite' ? `sqlite in ${dataDir}/` : address ? `${kind} at ${address}` : kind;
  const store = where(eventStore.kind, eventStore.kind === 'esdb' ? eventStore.url : undefined);
  const brokers = bus.kind === 'kafka' ? bus.brokers.join(',') : undefined;
  return `event store: ${store}, bus: ${where(bus.kind, brokers)}, read models: ${where(readModels.kind, readModels.kind === 'mongo' ? readModels.url : undefined)}`;
}
