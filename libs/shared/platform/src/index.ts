import { NestFactory } from '@nestjs/core';
import type { INestApplication, Type } from '@nestjs/common';
import { Background, composeApp, ConfigError, configureHttp, loadConfig, type AppConfig } from '@billing/shared/nest';
import { buildInfrastructure } from './infrastructure';
import { UnreachableError, waitForServers } from './reachable';

export { buildInfrastructure } from './infrastructure';
export { BOOT_WAIT_MS, waitForServers } from './reachable';

/** An app's main: validate config (stop with the problems named), build the adapters, serve HTTP. */
export function runApp(title: string, defaultPort: number, features: Type<unknown>[], service = 'billing'): void {
  const start = async (): Promise<INestApplication> => {
    const config = loadConfig(process.env, { port: defaultPort });
    const infrastructure = buildInfrastructure(config, service);
    await waitForServers(config, infrastructure, (line) => console.log(`${title}: ${line}`));
    const app = configureHttp(await NestFactory.create(composeApp(features, infrastructure), { logger: ['error', 'warn'], bodyParser: false }), title);
    await app.init();
    // Serve no figures from read models behind the store: they resume from their committed positions, so this is short.
    const head = await infrastructure.eventStore.headPosition();
    await app.get(Background).projections.caughtUp(head, Number.POSITIVE_INFINITY);
    await app.listen(config.port, config.host);
    console.log(`${title} listening on http://${config.host}:${config.port} (API docs: /docs, ${describe(config)})`);
    return app;
  };
  start().catch((error) => {
    console.error(error instanceof ConfigError || error instanceof UnreachableError ? `${title}: ${error.message}` : error);
    process.exit(1);
  });
}

function describe({ eventStore, bus, readModels, dataDir }: AppConfig): string {
  const where = (kind: string, address?: string) => (kind === 'sqlite' ? `sqlite in ${dataDir}/` : address ? `${kind} at ${address}` : kind);
  const store = where(eventStore.kind, eventStore.kind === 'esdb' ? eventStore.url : undefined);
  const brokers = bus.kind === 'kafka' ? bus.brokers.join(',') : undefined;
  return `event store: ${store}, bus: ${where(bus.kind, brokers)}, read models: ${where(readModels.kind, readModels.kind === 'mongo' ? readModels.url : undefined)}`;
}
