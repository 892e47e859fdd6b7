import { rmSync } from 'node:fs';
import { startApp } from './app-process';
import { workingCopy, type Built } from './build';
import { HttpClient, ok } from './http-client';
import { summarize, type Summary } from './stats';

/**
 * The last period every contract of the aging store bills and reports costs for (flows.ts costsOf).
 */
export const WIP_PERIOD = '2026-10-31';
const WARMUP = 10;

export interface WipFigures {
  built: Built;
  samples: number;
  /** GET /wip?periodEnd=… with the default page (100 contracts), and with the largest (1,000). */
  page: Summary;
  largestPage: Summary;
  /** GET /contracts/:id/wip of one contract (every period it reported). */
  contract: Summary;
  answer: {
    contracts: number;
    currencies: number;
    bytes: number;
    largestBytes: number;
    overbilled: number;
    underbilled: number;
  };
}

/**
 * The WIP schedule (ADR 20) over HTTP on the aging store (10,000 customers, 100,000 invoices, a
 * cost report per contract and period), one request at a time.
 */
export async function measureWip(
  source: Built,
  samples: number,
  log: (line: string) => void,
): Promise<WipFigures> {
  const dataDir = workingCopy(source, 'wip');
  try {
    log(
      `  wip: ${samples} x GET /wip?periodEnd=${WIP_PERIOD} (pages of 100 and 1,000) and GET /contracts/:id/wip on ${source.dataset.customers.toLocaleString('en-US')} customers`,
    );
    const app = await startApp({ dataDir });
    const client = new HttpClient(app.url, 4, app.token);
    try {
      const timed = async (path: string) => {
        const latencies: number[] = [];
        let last: any;
        for (let i = 0; i < WARMUP + samples; i++) {
          const started = performance.now();
          last = await ok(client.get(path), path);
          if (i >= WARMUP) latencies.push(performance.now() - started);
        }
        return { summary: summarize(latencies), last };
      };
      const page = await timed(`/wip?periodEnd=${WIP_PERIOD}`);
      const largest = await timed(`/wip?periodEnd=${WIP_PERIOD}&limit=1000`);
      const contract = await timed(`/contracts/${page.last.contracts[0].contractId}/wip`);
      const [totals] = page.last.currencies;
      return {
        built: source,
        samples,
        page: page.summary,
        largestPage: largest.summary,
        contract: contract.summary,
        answer: {
          contracts: totals?.contracts ?? 0,
          currencies: page.last.currencies.length,
          bytes: Buffer.byteLength(JSON.stringify(page.last)),
          largestBytes: Buffer.byteLength(JSON.stringify(largest.last)),
          overbilled: totals?.overbilled ?? 0,
          underbilled: totals?.underbilled ?? 0,
        },
      };
    } finally {
      client.close();
      await app.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
