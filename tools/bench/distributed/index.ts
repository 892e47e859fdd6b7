import { measureEsdbAppends, type EsdbAppendFigures } from './esdb-appends';
import { measureLag, type LagFigures } from './lag';
import { measureRebuild, type RebuildFigures } from './rebuild';
import { measureRelay, type RelayFigures } from './relay';

export { distributedSection, DISTRIBUTED_TARGETS } from './report';

export interface DistributedOptions {
  lagSamples: number;
  relayEvents: number;
  rebuildEvents: number;
  esdbAppends: number;
  fresh: boolean;
}

export interface DistributedFigures {
  /** With mongo-java-server in memory, then on its H2 file. */
  lag?: LagFigures[];
  relay?: RelayFigures;
  rebuild?: RebuildFigures;
  esdbAppends?: EsdbAppendFigures;
  /** A part that could not run says why here instead of giving figures; the others still run. */
  failures: { part: string; error: string }[];
}

const RELAY_ROUNDS = 3;
const REBUILD_ROUNDS = 2;

/**
 * `npm run bench -- --only distributed`: the distributed mode's figures (issue 7 item 8), each part
 * on servers it starts on this machine (a part given 0 is skipped): end-to-end lag across services,
 * relay throughput beside a plain producer, rebuild into Mongo beside SQLite, ESDB-adapter appends
 * on the emulator.
 */
export async function measureDistributed(
  options: DistributedOptions,
  log: (line: string) => void,
): Promise<DistributedFigures> {
  const figures: DistributedFigures = { failures: [] };
  const part = async <K extends Exclude<keyof DistributedFigures, 'failures'>>(
    name: K,
    size: number,
    run: () => Promise<DistributedFigures[K]>,
  ) => {
    if (size <= 0) return;
    log(`  distributed: ${name}`);
    try {
      figures[name] = await run();
    } catch (error) {
      log(`  distributed: ${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
      figures.failures.push({
        part: name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
  await part('lag', options.lagSamples, async () => [
    await measureLag(options.lagSamples, 'memory', log),
    await measureLag(options.lagSamples, 'h2-file', log),
  ]);
  await part('relay', options.relayEvents, () =>
    measureRelay(options.relayEvents, RELAY_ROUNDS, log),
  );
  await part('rebuild', options.rebuildEvents, () =>
    measureRebuild(options.rebuildEvents, REBUILD_ROUNDS, options.fresh, log),
  );
  await part('esdbAppends', options.esdbAppends, () =>
    measureEsdbAppends(options.esdbAppends, log),
  );
  return figures;
}
