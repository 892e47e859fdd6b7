import { captureLogs, type CapturedLogs } from './quiet-logs';
import { runBaseline, runCutPoint, type CutOutcome } from './store-cut';

/**
 * Issue 5 item 7 (a): the scenario with the store cut after each of its transactions in turn.
 * The cut points are dealt round-robin to `shards` spec files, so jest's workers run them side
 * by side; together they cover every point.
 */
export function storeCutSuite(shard: number, shards: number): void {
  describe(`the scenario with the process killed after each transaction (cut points ${shard}, ${shard + shards}, …)`, () => {
    let logs: CapturedLogs;
    beforeAll(() => (logs = captureLogs()));
    afterAll(() => logs.restore());

    it(
      'converges from every cut point to the state of the uninterrupted run',
      async () => {
        const baseline = await runBaseline();
        expect(baseline.transactions).toBeGreaterThan(shards);
        const failed: CutOutcome[] = [];
        for (let k = shard; k <= baseline.transactions; k += shards) {
          const outcome = await runCutPoint(k, baseline, logs);
          if (outcome.cut && outcome.differences.length === 0) continue;
          failed.push(outcome);
          console.log(
            `cut after transaction ${k} of ${baseline.transactions}: ${outcome.cut ? 'did not converge' : 'never reached'}\n${[...outcome.differences, '-- restart logged:', ...outcome.logs].join('\n')}`,
          );
        }
        expect(failed.map(({ k, cut, differences }) => ({ k, cut, differences }))).toEqual([]);
      },
      // 7 min was not enough at load 10-18 (on a quiet machine the whole CI run took 3 min before
      // this session).
      15 * 60_000,
    );
  });
}
