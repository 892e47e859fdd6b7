import { join } from 'node:path';
import { nothingServed } from './service-process';
import { Infrastructure, Services, SERVICES } from './system';

const PORTS = {
  gateway: 3000,
  services: { contracts: 3001, milestones: 3002, invoicing: 3003, receivables: 3004 },
};

/**
 * `npm run start:services`: the distributed mode on this machine, without Docker. Starts a Kafka
 * broker, mongo-java-server and the ESDB emulator (infra/), the four services as separate processes
 * on them (ports 3001-3004) and the gateway on http://127.0.0.1:3000; stops it all on Ctrl-C.
 */
async function main(): Promise<void> {
  const log = (line: string) => console.log(`[start:services] ${line}`);
  // The embedded app's key folder: `npm run token` and `npm run demo` work against the services as
  // they do against npm start.
  const keysDir = join(process.env.DATA_DIR ?? 'data', 'auth');
  const infrastructure = await Infrastructure.start(log, { keysDir });
  let system: Services | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping the gateway and the services, then the servers');
    // Ctrl-C reaches the broker and Mongo too (one process group), and they keep nothing across
    // starts: a service still waiting on them after a few seconds is killed.
    await system?.stop(5_000);
    await infrastructure.stop();
    log('stopped');
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0)).once('SIGTERM', () => void stop(0));
  try {
    log(
      `starting ${SERVICES.join(', ')} (EVENT_STORE=esdb BUS=kafka READ_MODELS=mongo) on ports 3001-3004, then the gateway on 3000`,
    );
    system = await Services.start(infrastructure, PORTS, (line) => console.log(line));
  } catch (error) {
    console.error(`[start:services] ${error instanceof Error ? error.message : String(error)}`);
    return stop(1);
  }
  log(
    `ready: ${system.url} (API docs: ${system.url}/docs); tokens: npm run -s token -- --role billing --tenant acme (key in ${keysDir}/); try \`npm run demo\`; Ctrl-C stops everything`,
  );
  // Without the gateway, or with no service left, nothing is served: stop rather than stand idle.
  const running = system;
  const watch = setInterval(() => {
    const gone = nothingServed(running.gateway, Object.values(running.services));
    if (!gone) return;
    clearInterval(watch);
    log(`${gone}: nothing is served`);
    void stop(1);
  }, 1_000);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
