/** One typed, validated config per app; a wrong value stops the boot with a message a person can act on. */
export interface AppConfig {
  port: number;
  host: string;
  eventStore: 'sqlite' | 'memory';
  dataDir: string;
  timeZone: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv, defaults: { port: number }): AppConfig {
  const problems: string[] = [];
  const port = Number(env.PORT ?? defaults.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be a port number, got "${env.PORT}"`);
  const eventStore = env.EVENT_STORE ?? 'sqlite';
  if (eventStore !== 'sqlite' && eventStore !== 'memory')
    problems.push(`EVENT_STORE must be "sqlite" or "memory" (EventStoreDB comes with the distributed mode), got "${eventStore}"`);
  const timeZone = env.BILLING_TIME_ZONE ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    problems.push(`BILLING_TIME_ZONE must be an IANA time zone such as America/New_York, got "${timeZone}"`);
  }
  if (problems.length) throw new ConfigError(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return { port, host: env.HOST ?? '127.0.0.1', eventStore: eventStore as AppConfig['eventStore'], dataDir: env.DATA_DIR ?? 'data', timeZone };
}
