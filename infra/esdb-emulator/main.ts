import { startEsdbEmulator } from './emulator';

/**
 * `node -r ./tools/register.js infra/esdb-emulator/main.ts [--port 2113] [--host 127.0.0.1]`:
 * serves until SIGINT/SIGTERM and prints the port it listens on (a free one for `--port 0`, the
 * default).
 */
function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const port = Number(option('port') ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be a port number, got ${option('port')}`);
  const emulator = await startEsdbEmulator({ port, host: option('host') });
  console.log(emulator.port);
  console.error(`ESDB emulator listening: ${emulator.url}`);
  const stop = () => void emulator.stop().then(() => process.exit(0));
  process.once('SIGINT', stop).once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
