import { startKafka } from './broker';

/**
 * `node -r ./tools/register.js infra/kafka/main.ts`: starts a local Kafka broker and prints its
 * bootstrap address on one line (KAFKA_PORT and KAFKA_DATA_DIR keep the address and the log
 * across restarts); stops it on SIGINT or SIGTERM.
 */
async function main(): Promise<void> {
  const port = process.env.KAFKA_PORT ? Number(process.env.KAFKA_PORT) : undefined;
  if (port !== undefined && !Number.isInteger(port))
    throw new Error(`KAFKA_PORT must be a port number, not "${process.env.KAFKA_PORT}"`);
  const broker = await startKafka({ port, dataDir: process.env.KAFKA_DATA_DIR || undefined });
  console.log(broker.brokers.join(','));
  const stop = () => void broker.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
