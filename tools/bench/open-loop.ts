import { summarize, type Summary } from './stats';

/**
 * What a request came back as: ok, an error, or a step whose reaction had not happened yet (a 404
 * the client retries later).
 */
export type Outcome = 'ok' | 'error' | 'not-ready';

/** A request ready to send: its kind (for the mix) and the call. */
export interface Job {
  kind: string;
  send(): Promise<Outcome>;
}

export interface OpenLoopOptions {
  rate: number;
  durationMs: number;
  warmupMs: number;
  /** The next request to send; called at its scheduled time. */
  next(): Job;
  /** Requests still outstanding this long after the end count as errors (timeouts). */
  drainMs?: number;
}

export interface OpenLoopResult {
  rate: number;
  /** Requests scheduled in the measured window, and how many of them answered. */
  scheduled: number;
  answered: number;
  errors: number;
  notReady: number;
  timeouts: number;
  /** Answers per second over the measured window. */
  achieved: number;
  /** Latency from the scheduled send time to the answer, in ms. */
  latency: Summary;
  /** Latest send after its scheduled time, in ms: the generator's own lag. */
  sendLagMs: number;
  mix: Record<string, number>;
  /** The latency of each kind of request, as `latency` is of all. */
  byKind: Record<string, Summary>;
}

/**
 * Open loop: request i is due at start + i / rate, and is sent then whether or not earlier ones
 * have answered; its latency counts from that due time, so a stall of the server (or of this
 * process) shows up as latency of every request due during it, not as fewer requests.
 */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const interval = 1000 / options.rate;
  const total = Math.round(((options.warmupMs + options.durationMs) / 1000) * options.rate);
  const warmup = Math.round((options.warmupMs / 1000) * options.rate);
  const latencies: number[] = [];
  const kinds: Record<string, number[]> = {};
  const counts = { answered: 0, errors: 0, notReady: 0 };
  const mix: Record<string, number> = {};
  const pending = new Set<Promise<void>>();
  let sendLagMs = 0;
  let lastAnswer = 0;
  const record = (kind: string, outcome: Outcome, due: number, measured: boolean) => {
    if (!measured) return;
    lastAnswer = performance.now();
    latencies.push(lastAnswer - due);
    (kinds[kind] ??= []).push(lastAnswer - due);
    counts.answered++;
    if (outcome === 'error') counts.errors++;
    if (outcome === 'not-ready') counts.notReady++;
  };
  const start = performance.now();
  for (let i = 0; i < total;) {
    const now = performance.now();
    for (; i < total && start + i * interval <= now; i++) {
      const due = start + i * interval;
      const measured = i >= warmup;
      const job = options.next();
      if (measured) {
        sendLagMs = Math.max(sendLagMs, performance.now() - due);
        mix[job.kind] = (mix[job.kind] ?? 0) + 1;
      }
      const request = job.send().then(
        (outcome) => record(job.kind, outcome, due, measured),
        () => record(job.kind, 'error', due, measured),
      );
      pending.add(request);
      void request.finally(() => pending.delete(request));
    }
    if (i < total) await sleep(Math.max(0, start + i * interval - performance.now()));
  }
  const end = start + total * interval;
  await settled(pending, options.drainMs ?? 10_000);
  const windowStart = start + options.warmupMs;
  const scheduled = total - warmup;
  const timeouts = scheduled - counts.answered;
  return {
    rate: options.rate,
    scheduled,
    ...counts,
    timeouts,
    achieved:
      (counts.answered - counts.errors) / ((Math.max(end, lastAnswer) - windowStart) / 1000),
    latency: summarize(latencies),
    sendLagMs,
    mix,
    byKind: Object.fromEntries(
      Object.entries(kinds).map(([kind, times]) => [kind, summarize(times)]),
    ),
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function settled(pending: Set<Promise<void>>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(pending),
    new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]);
  clearTimeout(timer);
}
