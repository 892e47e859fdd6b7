import { Kafka, logLevel } from 'kafkajs';
import type { AppConfig, Infrastructure } from '@billing/shared/nest';

/** How long a booting service waits for each server it needs before it gives up (exit 1). */
export const BOOT_WAIT_MS = 20_000;
const ATTEMPT_MS = 3_000;

interface Server {
  name: string;
  address: string;
  probe(): Promise<unknown>;
}

/**
 * Waits (bounded) until every server the config names answers; throws one error naming each one
 * that did not, so the process exits with a line a person can act on instead of serving nothing.
 */
export async function waitForServers(
  config: AppConfig,
  infrastructure: Infrastructure,
  log: (line: string) => void,
  waitMs = BOOT_WAIT_MS,
): Promise<void> {
  const servers: Server[] = [];
  if (config.eventStore.kind === 'esdb')
    servers.push({
      name: 'EventStoreDB',
      address: config.eventStore.url,
      probe: () => infrastructure.eventStore.headPosition(),
    });
  if (config.bus.kind === 'kafka') servers.push(kafka(config.bus.brokers));
  if (config.readModels.kind === 'mongo')
    servers.push({
      name: 'MongoDB',
      address: config.readModels.url,
      probe: () => infrastructure.readModels.collections(),
    });
  const failed = (await Promise.all(servers.map((server) => reach(server, waitMs, log)))).filter(
    (failure): failure is string => failure !== undefined,
  );
  if (failed.length) throw new UnreachableError(`cannot start: ${failed.join('; ')}`);
}

export class UnreachableError extends Error {}

async function reach(
  server: Server,
  waitMs: number,
  log: (line: string) => void,
): Promise<string | undefined> {
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    const error = await attempt(() => server.probe());
    if (error === undefined)
      return told ? void log(`${server.name} at ${server.address} answers`) : undefined;
    if (Date.now() >= deadline)
      return `${server.name} unreachable at ${server.address} after ${Math.round(waitMs / 1000)} s (${error})`;
    if (!told)
      log(
        `waiting up to ${Math.round(waitMs / 1000)} s for ${server.name} at ${server.address} (${error})`,
      );
    told = true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function attempt(probe: () => Promise<unknown>): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) =>
      (timer = setTimeout(
        () => reject(new Error(`no answer within ${ATTEMPT_MS} ms`)),
        ATTEMPT_MS,
      )),
  );
  try {
    await Promise.race([probe(), timeout]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** The bus connects lazily, so the broker is asked directly: one metadata request. */
function kafka(brokers: string[]): Server {
  return {
    name: 'Kafka',
    address: brokers.join(','),
    probe: async () => {
      const admin = new Kafka({
        clientId: 'boot-check',
        brokers,
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        connectionTimeout: ATTEMPT_MS,
      }).admin();
      try {
        await admin.connect();
        await admin.describeCluster();
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}
