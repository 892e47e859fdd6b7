import { parse } from 'csv-parse/sync';
import type { RecordedEvent } from '@billing/shared/event-store';
import { AGING_DATES, expectOk, smallContract, waitFor } from '@billing/shared/testing';
import {
  answerOf,
  BUILDING_COSTS,
  EURO_COSTS,
  EURO_CUSTOMER,
  FEBRUARY_CORRECTED,
  financeQueries,
  runFinanceFlow,
  type FinanceRun,
} from './testing/finance-flow';
import {
  billedOn,
  bucketOf,
  contractSumOn,
  creditSales,
  openInvoices,
  retainageHeld,
  roundedProduct,
  twoPlaces,
  week2026,
} from './testing/finance-reference';
import { startTestApp, type TestApp } from './testing/test-app';

const BUCKETS = ['current', 'days1to30', 'days31to60', 'days61to90', 'over90'];
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/**
 * Finance's figures (ADR 20) against an independent computation from the events and the raw
 * answers, to the cent.
 */
describe('finance figures, recomputed independently', () => {
  let test: TestApp;
  let run: FinanceRun;
  let events: RecordedEvent[];
  const get = async (path: string) => {
    const answer = await answerOf(test, path);
    if (answer.status !== 200)
      throw new Error(`GET ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as any;
  };

  beforeAll(async () => {
    test = await startTestApp();
    run = await runFinanceFlow(test);
    events = await test.infrastructure.eventStore.readAll();
  }, 120_000);
  afterAll(() => test?.close());

  it('keeps the contract ledger equal to the G702 figures invoicing computed and to receivables', async () => {
    for (const contractId of [run.scenario.contractId, run.euroContractId]) {
      const invoices: any[] = await get(`/invoices?contractId=${contractId}`);
      const issued = invoices.filter((invoice) => invoice.status === 'issued');
      const last = issued
        .filter((invoice) => invoice.kind === 'progress')
        .sort((a, b) => a.applicationNo - b.applicationNo)
        .at(-1).g702;
      const releases = issued.filter((invoice) => invoice.kind === 'retainage-release');
      const customerId = issued[0].customer.id;
      const onAccount = (await get(`/accounts/${customerId}`)).invoices.filter(
        (invoice: any) => invoice.contractId === contractId,
      );
      const billedNet = sum(issued.map((invoice) => invoice.amount));
      expect(await get(`/contract-ledgers/${contractId}`)).toEqual({
        contractId,
        title: issued[0].contractTitle,
        customerId,
        customerName: issued[0].customer.name,
        currency: issued[0].currency,
        status: expect.any(String),
        originalSum: last.originalContractSum,
        netChangeOrders: last.netChangeByChangeOrders,
        contractSumToDate: last.contractSumToDate,
        completedAndStoredToDate: last.totalCompletedAndStoredToDate,
        billedNet,
        billedTax: sum(issued.map((invoice) => invoice.tax)),
        billedTotal: sum(issued.map((invoice) => invoice.total)),
        retainageHeld: releases.length > 0 ? 0 : last.totalRetainage,
        retainageReleased: sum(releases.map((invoice) => invoice.amount)),
        paid: sum(onAccount.map((invoice: any) => invoice.paid)),
        outstanding: sum(onAccount.map((invoice: any) => invoice.open)),
        remainingToBill: last.contractSumToDate - billedNet,
      });
    }
    // While retainage is held, what remains to bill is G702 line 9; once released, it is the
    // unbilled work (none here).
    const euro = await get(`/contract-ledgers/${run.euroContractId}`);
    const [february] = (
      await get(`/invoices?contractId=${run.euroContractId}&status=issued`)
    ).filter((invoice: any) => invoice.invoiceId === run.euroInvoices.february);
    expect(euro.remainingToBill).toBe(february.g702.balanceToFinishIncludingRetainage);
    const [release] = await get(
      `/invoices?contractId=${run.scenario.contractId}&status=issued`,
    ).then((list) => list.filter((invoice: any) => invoice.kind === 'retainage-release'));
    expect(release.amount).toBe(run.scenario.applications.at(-1).g702.totalRetainage);
    expect(await get(`/contract-ledgers/${run.scenario.contractId}`)).toMatchObject({
      status: 'closed',
      retainageHeld: 0,
      retainageReleased: release.amount,
      remainingToBill: 0,
      outstanding: 0,
    });
  });

  it('computes every WIP line from the costs posted, the change orders and the pay applications, to the cent', async () => {
    const reported = [
      ...[
        ...BUILDING_COSTS.filter((costs) => costs.periodEnd !== FEBRUARY_CORRECTED.periodEnd),
        FEBRUARY_CORRECTED,
      ].map((costs) => ({
        ...costs,
        contractId: run.scenario.contractId,
      })),
      ...EURO_COSTS.map((costs) => ({ ...costs, contractId: run.euroContractId })),
    ];
    const expected = await Promise.all(
      reported.map(async ({ contractId, periodEnd, costToDate, estimatedTotalCost, date }) => {
        const contractSum = contractSumOn(events, contractId, periodEnd);
        const earnedToDate = roundedProduct(contractSum, costToDate, estimatedTotalCost);
        const billedToDate = billedOn(await get(`/invoices?contractId=${contractId}`), periodEnd);
        return {
          contractId,
          periodEnd,
          reportedOn: date,
          contractSum,
          costToDate,
          estimatedTotalCost,
          earnedToDate,
          billedToDate,
          overUnder: billedToDate - earnedToDate,
        };
      }),
    );
    const periods = [...new Set(reported.map((costs) => costs.periodEnd))];
    for (const periodEnd of periods) {
      const schedule = await get(`/wip?periodEnd=${periodEnd}`);
      const lines = expected.filter((line) => line.periodEnd === periodEnd);
      expect(schedule.contracts.map((row: any) => row.contractId).sort()).toEqual(
        lines.map((line) => line.contractId).sort(),
      );
      for (const line of lines) {
        const row = schedule.contracts.find(
          (candidate: any) => candidate.contractId === line.contractId,
        );
        expect(row).toMatchObject({
          ...line,
          overbilled: Math.max(0, line.overUnder),
          underbilled: Math.max(0, -line.overUnder),
        });
        expect(row.percentComplete).toBe(
          roundedProduct(line.costToDate, 10_000, line.estimatedTotalCost),
        );
      }
      const currencies = [...new Set(schedule.contracts.map((row: any) => row.currency))].sort();
      expect(schedule.currencies.map((totals: any) => totals.currency)).toEqual(currencies);
      for (const totals of schedule.currencies) {
        const own = schedule.contracts.filter((row: any) => row.currency === totals.currency);
        for (const name of [
          'earnedToDate',
          'billedToDate',
          'overbilled',
          'underbilled',
          'costToDate',
          'contractSum',
        ])
          expect([name, totals[name]]).toEqual([name, sum(own.map((row: any) => row[name]))]);
      }
    }
    // The building's history per period, oldest first: the corrected February stands.
    const history = await get(`/contracts/${run.scenario.contractId}/wip`);
    expect(history.map((row: any) => [row.periodEnd, row.costToDate])).toEqual(
      BUILDING_COSTS.map((costs) => [
        costs.periodEnd,
        costs.periodEnd === FEBRUARY_CORRECTED.periodEnd
          ? FEBRUARY_CORRECTED.costToDate
          : costs.costToDate,
      ]),
    );
  });

  it('ages receivables as a replay of the account events does, per customer and per currency, with retainage beside', async () => {
    for (const date of [...AGING_DATES, '2026-02-25', '2026-03-09']) {
      const open = openInvoices(events, date);
      const held = retainageHeld(events, date);
      const answer = await answerOf(test, `/aging?asOf=${date}`);
      const aging = answer.body as any;
      // Every customer with something open or retainage held on the date, and no other.
      const aged = new Set([
        ...open.map((invoice) => invoice.customerId),
        ...[...held.values()].filter((entry) => entry.amount > 0).map((entry) => entry.customerId),
      ]);
      expect(aging.customers.map((customer: any) => customer.customerId).sort()).toEqual(
        [...aged].sort(),
      );
      expect(answer.total).toBe(String(aged.size));
      for (const customer of aging.customers) {
        const own = open.filter((invoice) => invoice.customerId === customer.customerId);
        expect(
          customer.invoices
            .map((invoice: any) => [invoice.invoiceId, invoice.open, invoice.bucket])
            .sort(),
        ).toEqual(
          own
            .map((invoice) => [invoice.invoiceId, invoice.open, bucketOf(invoice.dueDate, date)])
            .sort(),
        );
        expect(customer.retainageHeld).toBe(
          sum(
            [...held.values()]
              .filter((entry) => entry.customerId === customer.customerId)
              .map((entry) => entry.amount),
          ),
        );
      }
      for (const totals of aging.currencies) {
        const own = open.filter((invoice) => invoice.currency === totals.currency);
        expect(totals.total).toBe(sum(own.map((invoice) => invoice.open)));
        for (const bucket of BUCKETS)
          expect([bucket, totals.buckets[bucket]]).toEqual([
            bucket,
            sum(
              own
                .filter((invoice) => bucketOf(invoice.dueDate, date) === bucket)
                .map((invoice) => invoice.open),
            ),
          ]);
      }
      expect(aging.currencies.map((totals: any) => totals.currency)).toEqual(
        [...new Set(open.map((invoice) => invoice.currency))].sort(),
      );
    }
  });

  it('expects cash by ISO week of due date as the replay does', async () => {
    for (const date of [...AGING_DATES, '2026-03-09']) {
      const forecast = await get(`/cash-forecast?asOf=${date}`);
      const weeks = new Map<string, { expected: number; overdue: number }>();
      for (const invoice of openInvoices(events, date)) {
        const key = `${week2026(invoice.dueDate)} ${invoice.currency}`;
        const row = weeks.get(key) ?? { expected: 0, overdue: 0 };
        weeks.set(key, {
          expected: row.expected + invoice.open,
          overdue: row.overdue + (invoice.dueDate < date ? invoice.open : 0),
        });
      }
      expect(
        forecast.weeks.map((row: any) => [
          `${row.week} ${row.currency}`,
          row.expected,
          row.overdue,
        ]),
      ).toEqual([...weeks].sort().map(([key, row]) => [key, row.expected, row.overdue]));
      expect(
        forecast.weeks.every(
          (row: any) => week2026(row.weekStart) === row.week && week2026(row.weekEnd) === row.week,
        ),
      ).toBe(true);
    }
  });

  it('divides receivables at the end of a period by its credit sales times its days (DSO)', async () => {
    for (const [from, to] of [
      ['2026-01-01', '2026-03-31'],
      ['2026-02-01', '2026-05-31'],
      ['2026-01-01', '2026-12-31'],
    ]) {
      const sales = creditSales(events, from, to);
      const open = openInvoices(events, to);
      const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
      const dso = (await get(`/dso?from=${from}&to=${to}`)).currencies;
      expect(dso.map((row: any) => row.currency)).toEqual(['EUR', 'USD']);
      for (const row of dso) {
        const receivables = sum(
          open
            .filter((invoice) => invoice.currency === row.currency)
            .map((invoice) => invoice.open),
        );
        const sold = sales.get(row.currency) ?? 0;
        expect(row).toEqual({
          currency: row.currency,
          endingReceivables: receivables,
          creditSales: sold,
          days,
          ...(sold > 0 ? { dso: twoPlaces(BigInt(receivables) * BigInt(days), BigInt(sold)) } : {}),
        });
      }
    }
  });

  it('measures billing timeliness from certification to issue, per contract and overall; a voided application gives its certification to the next', async () => {
    const timeliness = await get('/billing-timeliness?from=2026-01-01&to=2026-12-31');
    // The building: certified 02-02, 03-03, 04-01, 04-30 and issued a day later each. The EUR job:
    // 02-02 -> 02-20, and 03-02 -> 03-10 (voided on 03-06 and issued again).
    const building = {
      applications: 4,
      totalDays: 4,
      minDays: 1,
      maxDays: 1,
      medianDays: '1.00',
      averageDays: '1.00',
    };
    const euro = {
      applications: 2,
      totalDays: 26,
      minDays: 8,
      maxDays: 18,
      medianDays: '13.00',
      averageDays: '13.00',
    };
    expect(timeliness.overall).toEqual({
      applications: 6,
      totalDays: 30,
      minDays: 1,
      maxDays: 18,
      medianDays: '1.00',
      averageDays: '5.00',
    });
    expect(timeliness.contracts).toEqual([
      {
        contractId: run.scenario.contractId,
        contractTitle: 'Harbor Point Medical Office Building',
        customerId: run.scenario.customerId,
        customerName: expect.any(String),
        ...building,
      },
      {
        contractId: run.euroContractId,
        contractTitle: 'Quay fit-out, "phase 2"',
        customerId: EURO_CUSTOMER.id,
        customerName: EURO_CUSTOMER.name,
        ...euro,
      },
    ]);
    expect((await get('/billing-timeliness?from=2026-03-01&to=2026-03-31')).overall).toMatchObject({
      applications: 2,
      totalDays: 9,
      medianDays: '4.50',
      averageDays: '4.50',
    });
  });

  it('exports every query as RFC 4180 CSV: a header line, CRLF, quotes doubled, the rows and figures of the JSON answer', async () => {
    for (const path of financeQueries(run).filter((candidate) =>
      candidate.includes('format=csv'),
    )) {
      const answer = await answerOf(test, path);
      expect([path, answer.status, answer.type]).toEqual([
        path,
        200,
        'text/csv; charset=utf-8; header=present',
      ]);
      const text = answer.body as string;
      expect(text.endsWith('\r\n') && !/[^\r]\n/.test(text)).toBe(true);
      parse(text, { columns: true });
    }
    const ledgers = parse<Record<string, string>>(
      (await answerOf(test, '/contract-ledgers?format=csv')).body as string,
      { columns: true },
    );
    const json = await get('/contract-ledgers');
    expect(ledgers).toEqual(
      json.map((row: any) =>
        Object.fromEntries(Object.entries(row).map(([key, value]) => [key, String(value)])),
      ),
    );
    expect((await answerOf(test, '/contract-ledgers?format=csv')).body).toContain(
      '"Quay fit-out, ""phase 2"""',
    );
    const aging = parse<Record<string, string>>(
      (await answerOf(test, '/aging?asOf=2026-05-12&format=csv')).body as string,
      { columns: true },
    );
    const agingJson = await get('/aging?asOf=2026-05-12');
    expect(
      aging
        .filter((row) => row.row === 'customer')
        .map((row) => [
          row.customerId,
          Number(row.total),
          Number(row.days1to30),
          Number(row.retainageHeld),
        ]),
    ).toEqual(
      agingJson.customers.map((customer: any) => [
        customer.customerId,
        customer.total,
        customer.buckets.days1to30,
        customer.retainageHeld,
      ]),
    );
    expect(
      aging.filter((row) => row.row === 'total').map((row) => [row.currency, Number(row.total)]),
    ).toEqual(agingJson.currencies.map((totals: any) => [totals.currency, totals.total]));
    const statement = parse<Record<string, string>>(
      (
        await answerOf(
          test,
          `/accounts/${run.scenario.customerId}/statement?from=2026-01-01&to=2026-07-31&format=csv`,
        )
      ).body as string,
      { columns: true },
    );
    const statementJson = await get(
      `/accounts/${run.scenario.customerId}/statement?from=2026-01-01&to=2026-07-31`,
    );
    expect(statement.map((row) => [row.row, row.kind, Number(row.balance)])).toEqual([
      ['opening', '', statementJson.openingBalance],
      ...statementJson.lines.map((line: any) => ['entry', line.kind, line.balance]),
      ['closing', '', statementJson.closingBalance],
    ]);
  });

  it('filters by currency and customer, pages with X-Total-Count, and answers CSV to Accept: text/csv', async () => {
    expect((await get('/contract-ledgers?currency=EUR')).map((row: any) => row.contractId)).toEqual(
      [run.euroContractId],
    );
    expect(
      (await get(`/contract-ledgers?customerId=${EURO_CUSTOMER.id}&status=active`)).map(
        (row: any) => row.contractId,
      ),
    ).toEqual([run.euroContractId]);
    const page = await answerOf(test, '/contract-ledgers?limit=1&offset=1');
    expect([page.total, (page.body as any[]).length]).toEqual(['2', 1]);
    const euroWip = await get('/wip?periodEnd=2026-01-31&currency=EUR');
    expect([
      euroWip.contracts.length,
      euroWip.currencies.map((totals: any) => totals.currency),
    ]).toEqual([1, ['EUR']]);
    const oneCustomer = await get(`/wip?periodEnd=2026-01-31&customerId=${EURO_CUSTOMER.id}`);
    expect(oneCustomer.currencies).toEqual(euroWip.currencies);
    const all = await get('/aging?asOf=2026-03-09');
    expect((await get('/aging?asOf=2026-03-09&currency=EUR')).currencies).toEqual(
      all.currencies.filter((totals: any) => totals.currency === 'EUR'),
    );
    expect((await get(`/aging?asOf=2026-03-09&customerId=${EURO_CUSTOMER.id}`)).customers).toEqual(
      all.customers.filter((customer: any) => customer.customerId === EURO_CUSTOMER.id),
    );
    const accepted = await test.client.get('/wip?periodEnd=2026-01-31', { accept: 'text/csv' });
    expect(accepted.headers?.['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(
      (await test.client.get('/wip?periodEnd=2026-01-31&format=json', { accept: 'text/csv' })).body
        .periodEnd,
    ).toBe('2026-01-31');
  });

  it('takes job costs only as the rules allow, once per Idempotency-Key, and only from billing, finance and admin', async () => {
    const costs = (id: string, body: object, headers: Record<string, string> = {}) =>
      test.client.post(`/contracts/${id}/costs`, body, headers);
    const good = {
      periodEnd: '2026-06-30',
      costToDate: 1_000,
      estimatedTotalCost: 2_000,
      date: '2026-07-02',
    };
    expect((await costs(run.euroContractId, { ...good, periodEnd: '2026-06-29' })).status).toBe(
      400,
    );
    expect((await costs(run.euroContractId, { ...good, costToDate: 2_001 })).status).toBe(422);
    expect((await costs(run.euroContractId, { ...good, date: '2026-06-29' })).status).toBe(422);
    expect((await costs(run.euroContractId, { ...good, costToDate: -1 })).status).toBe(400);
    const { contractId: draft } = await expectOk<any>(
      test.client.post('/contracts', smallContract({ title: 'Draft job' })),
      'draft',
    );
    expect((await costs(draft, good)).status).toBe(409);
    const first = await costs(run.euroContractId, good, { 'idempotency-key': 'costs-june' });
    const again = await costs(run.euroContractId, good, { 'idempotency-key': 'costs-june' });
    expect([
      first.status,
      again.status,
      again.headers?.['idempotent-replayed'],
      again.body,
    ]).toEqual([201, 201, 'true', first.body]);
    expect(
      (
        await costs(
          run.euroContractId,
          { ...good, costToDate: 1_500 },
          { 'idempotency-key': 'costs-june' },
        )
      ).status,
    ).toBe(422);
    const auditor = await test.as({ roles: ['auditor'] });
    expect((await auditor.post(`/contracts/${run.euroContractId}/costs`, good)).status).toBe(403);
    expect((await auditor.get('/wip?periodEnd=2026-06-30')).status).toBe(200);
    const finance = await test.as({ roles: ['finance'] });
    expect(
      (await finance.post(`/contracts/${run.euroContractId}/costs`, { ...good, costToDate: 1_200 }))
        .status,
    ).toBe(201);
    await waitFor<any>(
      test.client,
      `/wip?periodEnd=2026-06-30`,
      (schedule) => schedule.contracts[0]?.costToDate === 1_200,
      'the June costs',
    );
  });
});
