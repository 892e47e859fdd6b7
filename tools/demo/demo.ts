import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { formatMoney } from '@billing/shared/kernel';
import {
  expectOk,
  fetchClient,
  keyedClient,
  localToken,
  retryingUnavailable,
  runScenario,
} from '@billing/shared/testing';

/** Long enough for a service killed mid-run to be started again (a boot takes seconds). */
const OUTAGE_MS = 120_000;

/**
 * Drives the construction scenario over HTTP against a running system (npm start, or npm run
 * start:services) and prints the figures. It acts as `demo`, a billing clerk of tenant `default`,
 * with a token of the app's own key (DATA_DIR/auth), or the one in BILLING_TOKEN.
 */
async function main() {
  const baseUrl = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
  const token =
    process.env.BILLING_TOKEN ??
    (await localToken(join(process.env.DATA_DIR ?? 'data', 'auth'), {
      subject: 'demo',
      roles: ['billing'],
    }));
  // Every command with an Idempotency-Key of its own, asked again while the system answers 503 (a
  // service or a server it needs is away): the run rides out an outage without doing anything
  // twice.
  const run = randomUUID();
  const client = keyedClient(
    retryingUnavailable({ ...fetchClient(baseUrl, token), waitMs: OUTAGE_MS }, OUTAGE_MS),
    `demo-${run}`,
  );
  const usd = (amount: number) => formatMoney(amount, 'USD').padStart(16);
  console.log(`Billing a USD 1,000,000.00 construction contract against ${baseUrl}\n`);
  const result = await runScenario(client, {
    customerId: randomUUID(),
    log: (line) => console.log(`  - ${line}`),
  });
  for (const application of result.applications) {
    const g = application.g702;
    console.log(
      `\nPay application ${application.applicationNo}, period to ${application.periodEnd}: invoice ${application.number}, due ${application.dueDate}`,
    );
    const lines: [string, number][] = [
      ['1. Original contract sum', g.originalContractSum],
      ['2. Net change by change orders', g.netChangeByChangeOrders],
      ['3. Contract sum to date', g.contractSumToDate],
      ['4. Total completed and stored to date', g.totalCompletedAndStoredToDate],
      [
        `5a. Retainage on completed work (${g.retainageStep.workRate / 100}%)`,
        g.retainageOnCompletedWork,
      ],
      [
        `5b. Retainage on stored materials (${g.retainageStep.materialsRate / 100}%)`,
        g.retainageOnStoredMaterials,
      ],
      ['5. Total retainage', g.totalRetainage],
      ['6. Total earned less retainage', g.totalEarnedLessRetainage],
      ['7. Less previous certificates for payment', g.lessPreviousCertificates],
      ['8. Current payment due', g.currentPaymentDue],
      ['9. Balance to finish, including retainage', g.balanceToFinishIncludingRetainage],
      ['   Tax', application.tax],
      ['   Invoice total', application.total],
    ];
    for (const [label, amount] of lines) console.log(`  ${label.padEnd(48)}${usd(amount)}`);
  }
  console.log(
    `\nRetainage release: invoice ${result.release.number}, ${usd(result.release.total).trim()} including tax`,
  );
  for (const [date, aging] of Object.entries(result.aging)) {
    const b = aging.buckets;
    console.log(
      `\nAR aging as of ${date}: current ${usd(b.current)}  1-30 ${usd(b.days1to30)}  31-60 ${usd(b.days31to60)}  61-90 ${usd(b.days61to90)}  >90 ${usd(b.over90)}  | retainage held ${usd(aging.retainageHeld)}`,
    );
  }
  const summary = await expectOk<any>(client.get(`/contracts/${result.contractId}`), 'summary');
  console.log(
    `\nContract ${summary.status}: billed ${usd(summary.billedNet).trim()} + tax ${usd(summary.billedTax).trim()}, paid ${usd(summary.paid).trim()}, outstanding ${usd(summary.outstanding).trim()}`,
  );
  console.log(
    `Audit trail: ${baseUrl}/contracts/${result.contractId}/history (with a token of tenant default)`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
