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
} from '@billing/shared/nest';
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
    await app.listen(config.port, config.host);
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

function describe({ eventStore, bus, readModels, dataDir }: AppConfig): string {
  const where = (kind: string, address?: string) =>
    kind === 'sqlite' ? `sqlite in ${dataDir}/` : address ? `${kind} at ${address}` : kind;
  const store = where(eventStore.kind, eventStore.kind === 'esdb' ? eventStore.url : undefined);
  const brokers = bus.kind === 'kafka' ? bus.brokers.join(',') : undefined;
  return `event store: ${store}, bus: ${where(bus.kind, brokers)}, read models: ${where(readModels.kind, readModels.kind === 'mongo' ? readModels.url : undefined)}`;
}
