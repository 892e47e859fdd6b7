import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureAging } from './aging';
import { measureAppends } from './appends';
import { measureBoot } from './boot';
import { built } from './build';
import { CACHE, dataset } from './dataset';
import { LOAD_DEFAULTS, measureLoad, profileLoad } from './load';
import { describeMachine, load } from './machine';
import { parseOptions, type BenchOptions } from './options';
import { measurePdf } from './pdf';
import { measureWip } from './wip';
import { render, TARGETS, type Results } from './report';
import { checkSynthesis } from './synth-check';
import { measureVerify } from './verify';
import { measureDistributed } from './distributed';
import { measureStreams, SHORT_STREAM } from './streams';

/**
 * npm run bench [-- options]: the figures of BENCHMARKS.md, measured on this machine. Progress goes
 * to stderr, the Markdown report to stdout (and, with the raw figures, to the cache folder).
 */
const log = (line: string) => console.error(line);

async function main() {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  const started = performance.now();
  const results: Results = {
    machine: describeMachine(),
    argv,
    loads: [`start: ${load()}`],
    wallSeconds: 0,
  };
  const mark = (section: string) => {
    results.loads.push(`before ${section}: ${load()}`);
    log(`${section} (${load()}, ${((performance.now() - started) / 1000).toFixed(0)} s in)`);
  };
  if (options.only.includes('appends')) {
    mark('appends');
    results.appends = await measureAppends(options.appendScale);
  }
  if (options.only.includes('load')) {
    mark('load');
    await runLoad(options, results);
  }
  if (options.only.includes('boot')) {
    results.boots = [];
    for (const size of options.sizes) {
      mark(`boot ${size}`);
      const store = await built(
        await dataset({ key: `events-${size}`, targetEvents: size }, options.fresh, log),
        options.rebuild,
        log,
      );
      results.boots.push(await measureBoot(store, log));
    }
  }
  if (options.only.includes('aging')) {
    mark('aging');
    const store = await dataset(
      { key: `aging-${options.agingCustomers}-customers`, customers: options.agingCustomers },
      options.fresh,
      log,
    );
    results.aging = await measureAging(
      await built(store, options.rebuild, log),
      options.agingSamples,
      log,
    );
  }
  if (options.only.includes('wip')) {
    mark('wip');
    const store = await dataset(
      { key: `aging-${options.agingCustomers}-customers`, customers: options.agingCustomers },
      options.fresh && !options.only.includes('aging'),
      log,
    );
    results.wip = await measureWip(
      await built(store, options.rebuild && !options.only.includes('aging'), log),
      options.agingSamples,
      log,
    );
  }
  if (options.only.includes('pdf')) {
    mark('pdf');
    results.pdf = await measurePdf(options.pdfLines, options.pdfSamples, log);
  }
  if (options.only.includes('verify')) {
    mark('verify');
    results.verify = await measureVerify(
      options.verifyEvents,
      options.verifyEsdbEvents,
      options.fresh,
      log,
    );
  }
  if (options.only.includes('distributed')) {
    mark('distributed');
    const { lagSamples, relayEvents, rebuildEvents, esdbAppends, fresh } = options;
    results.distributed = await measureDistributed(
      { lagSamples, relayEvents, rebuildEvents, esdbAppends, fresh },
      log,
    );
  }
  if (options.only.includes('streams')) {
    mark('streams');
    results.streams = await measureStreams(
      [SHORT_STREAM, options.streamEvents],
      options.streamCommands,
    );
  }
  if (options.only.includes('synth-check')) {
    mark('synth-check');
    results.synthCheck = await checkSynthesis(40, log);
  }
  results.loads.push(`end: ${load()}`);
  results.wallSeconds = (performance.now() - started) / 1000;
  const report = render(results);
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `results-${results.machine.date.replace(/[:.]/g, '-')}`);
  writeFileSync(`${file}.md`, report);
  writeFileSync(`${file}.json`, JSON.stringify(results, null, 2));
  console.log(report);
  log(`written to ${file}.md and .json`);
}

async function runLoad(options: BenchOptions, results: Results) {
  const loadOptions = {
    ...LOAD_DEFAULTS,
    rates: options.rates,
    durationMs: options.duration * 1000,
    warmupMs: options.warmup * 1000,
  };
  results.load = await measureLoad(loadOptions, log);
  const top = results.load.steps.at(-1);
  const missed =
    !top ||
    top.rate < TARGETS.loadRate ||
    top.latency.p99 > TARGETS.loadP99 ||
    top.errors > 0 ||
    top.timeouts > 0;
  if (top && (options.profile === 'always' || (options.profile === 'auto' && missed))) {
    results.loads.push(`profile: ${load()}`);
    results.profile = await profileLoad(
      top.rate,
      { ...loadOptions, durationMs: Math.min(loadOptions.durationMs, 10_000) },
      log,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
