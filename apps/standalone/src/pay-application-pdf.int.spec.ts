import {
  CUSTOMER,
  expectOk,
  runScenario,
  waitFor,
  type ScenarioResult,
} from '@billing/shared/testing';
import { startTestApp, type TestApp } from './testing/test-app';
import { fileIdOf, getDocument, missing, pct, pdfText, usd } from './testing/pdf';

const total = (rows: any[], column: string) => rows.reduce((sum, row) => sum + row[column], 0);

/** G702 as the API gives it, line by line as the summary page must print it. */
function g702Lines(invoice: any): string[] {
  const { g702 } = invoice;
  return [
    `APPLICATION NO: ${invoice.applicationNo}`,
    `PERIOD TO: ${invoice.periodEnd}`,
    `INVOICE NO: ${invoice.number}`,
    `APPLICATION DATE: ${invoice.issueDate}`,
    `DUE DATE: ${invoice.dueDate}`,
    `1. ORIGINAL CONTRACT SUM ${usd(g702.originalContractSum)}`,
    `2. NET CHANGE BY CHANGE ORDERS ${usd(g702.netChangeByChangeOrders)}`,
    `3. CONTRACT SUM TO DATE ${usd(g702.contractSumToDate)}`,
    `4. TOTAL COMPLETED & STORED TO DATE ${usd(g702.totalCompletedAndStoredToDate)}`,
    `a. ${pct(g702.retainageStep.workRate)} of Completed Work ${usd(g702.retainageOnCompletedWork)}`,
    `b. ${pct(g702.retainageStep.materialsRate)} of Stored Material ${usd(g702.retainageOnStoredMaterials)}`,
    `Total Retainage ${usd(g702.totalRetainage)}`,
    `6. TOTAL EARNED LESS RETAINAGE ${usd(g702.totalEarnedLessRetainage)}`,
    `7. LESS PREVIOUS CERTIFICATES FOR PAYMENT ${usd(g702.lessPreviousCertificates)}`,
    `8. CURRENT PAYMENT DUE ${usd(g702.currentPaymentDue)}`,
    `9. BALANCE TO FINISH, INCLUDING RETAINAGE ${usd(g702.balanceToFinishIncludingRetainage)}`,
    `Current payment due (Line 8) ${usd(invoice.amount)}`,
    `TOTAL DUE ${invoice.dueDate} ${usd(invoice.total)}`,
  ];
}

/** Every G703 line with every column, A to I, and the grand total that sums them. */
function g703Lines(invoice: any): string[] {
  const money = [
    'scheduledValue',
    'fromPreviousApplication',
    'thisPeriod',
    'materialsPresentlyStored',
    'completedAndStoredToDate',
  ];
  const rows = invoice.g703.map((row: any) =>
    [
      row.item,
      row.description,
      ...money.map((column) => usd(row[column])),
      pct(row.percentComplete),
      usd(row.balanceToFinish),
      usd(row.retainage),
    ].join(' '),
  );
  const totals = [...money, 'balanceToFinish', 'retainage'].map((column) =>
    usd(total(invoice.g703, column)),
  );
  return [...rows, `GRAND TOTAL ${totals.join(' ')}`];
}

describe('pay applications as PDF, in the AIA G702/G703 layout', () => {
  let test: TestApp;
  let scenario: ScenarioResult;

  beforeAll(async () => {
    test = await startTestApp();
    scenario = await runScenario(test.client);
  }, 120_000);
  afterAll(() => test.close());

  it('prints every G702 line, every G703 line and column, and the change orders as the API gives them, for each application', async () => {
    for (const [index, application] of scenario.applications.entries()) {
      const invoice = await expectOk<any>(
        test.client.get(`/invoices/${application.invoiceId}`),
        'invoice',
      );
      const pdf = await getDocument(test, `/invoices/${invoice.invoiceId}/pdf`);
      expect([pdf.status, pdf.headers['content-type'], pdf.headers['content-disposition']]).toEqual(
        [200, 'application/pdf', `inline; filename="${invoice.number}.pdf"`],
      );
      const { pages } = await pdfText(pdf.bytes);
      expect(missing(g702Lines(invoice), pages[0])).toEqual([]);
      expect(pages[0]).toContain(`Tax at 8.25% ${usd(invoice.tax)}`);
      // The change order of 2026-02-10 is approved for the second application: "this month" there,
      // "previous months" after.
      const co = usd(4_567_890);
      const [previous, thisMonth] = [index >= 2 ? co : usd(0), index === 1 ? co : usd(0)];
      expect(pages[0]).toEqual(
        expect.arrayContaining([
          `Approved in previous months by Owner ${previous} 0.00`,
          `Total approved this month ${thisMonth} 0.00`,
        ]),
      );
      expect(pages[0]).toContain(
        `NET CHANGES by Change Order ${usd(invoice.g702.netChangeByChangeOrders)}`,
      );
      expect(missing(g703Lines(invoice), pages.slice(1).flat())).toEqual([]);
      expect(pages.slice(1).every((page) => page[0] === 'CONTINUATION SHEET')).toBe(true);
      // The sheet's totals are the summary's lines 3, 4 and 5.
      expect([
        total(invoice.g703, 'scheduledValue'),
        total(invoice.g703, 'completedAndStoredToDate'),
        total(invoice.g703, 'retainage'),
      ]).toEqual([
        invoice.g702.contractSumToDate,
        invoice.g702.totalCompletedAndStoredToDate,
        invoice.g702.totalRetainage,
      ]);
    }
  }, 60_000);

  it('renders the same bytes later, dated its issue date, with fixed metadata and a file id derived from the document', async () => {
    const [first, second] = scenario.applications;
    const before = await getDocument(test, `/invoices/${first.invoiceId}/pdf`);
    // Forty minutes on (the test token lasts an hour): only Date is faked, timers run as usual.
    jest.useFakeTimers({
      now: Date.now() + 40 * 60_000,
      doNotFake: [
        'nextTick',
        'setImmediate',
        'clearImmediate',
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    try {
      const later = await getDocument(test, `/invoices/${first.invoiceId}/pdf`);
      expect(later.bytes.equals(before.bytes)).toBe(true);
    } finally {
      jest.useRealTimers();
    }
    const { info } = await pdfText(before.bytes);
    expect(info).toMatchObject({
      CreationDate: `D:${first.issueDate.replace(/-/g, '')}000000Z`,
      ModDate: `D:${first.issueDate.replace(/-/g, '')}000000Z`,
    });
    expect(info.Producer).toBe(info.Creator);
    const other = await getDocument(test, `/invoices/${second.invoiceId}/pdf`);
    expect(fileIdOf(before.bytes)).toMatch(/^[0-9a-f]{32}$/);
    expect(fileIdOf(other.bytes)).not.toBe(fileIdOf(before.bytes));
  }, 30_000);

  it('has no document for an unknown invoice (404)', async () => {
    expect((await getDocument(test, `/invoices/${scenario.contractId}/pdf`)).status).toBe(404);
  });
});

/** Names outside PDF's standard encoding (WinAnsi): Polish, Greek, Cyrillic. */
const TRADES = ['Trade package', 'Żuraw i łączniki', 'Σκυρόδεμα', 'Ремонт кровли'];

describe('a G703 of 50 lines', () => {
  it('paginates: the heading and column titles on each continuation page, every line once, numbered pages, names in any European script', async () => {
    const test = await startTestApp();
    try {
      const lines = Array.from({ length: 50 }, (_, i) => ({
        lineId: `L${i + 1}`,
        item: `${i + 1}`,
        description: `${TRADES[i % TRADES.length]} ${i + 1}`,
        scheduledValue: 1_000_000 + i * 12_345,
      }));
      const originalSum = total(lines, 'scheduledValue');
      const customer = {
        ...CUSTOMER,
        id: '5e3c2a1b-7d4f-4e6a-9b8c-1d2e3f4a5b6c',
        name: 'Łódź Budownictwo Sp. z o.o.',
      };
      const body = {
        customer,
        title: 'Szkoła — Σχολείο — Школа',
        currency: 'USD',
        originalSum,
        basis: 'progress',
        retainage: [{ threshold: 0, workRate: 1000, materialsRate: 500 }],
        taxRate: 0,
        paymentTermsDays: 30,
        lines,
      };
      const { contractId } = await expectOk<any>(test.client.post('/contracts', body), 'create');
      await expectOk(
        test.client.post(`/contracts/${contractId}/activate`, { date: '2026-01-05' }),
        'activate',
      );
      await test.settle();
      const progress = lines.map((line, i) => ({
        lineId: line.lineId,
        percentComplete: ((i % 8) + 1) * 1111,
        storedMaterials: i % 4 === 0 ? 25_000 : 0,
      }));
      await expectOk(
        test.client.post(`/contracts/${contractId}/progress-reports`, {
          periodEnd: '2026-01-31',
          lines: progress,
        }),
        'report',
      );
      await expectOk(
        test.client.post(`/contracts/${contractId}/progress-reports/2026-01-31/certify`, {
          date: '2026-02-01',
        }),
        'certify',
      );
      const [draft] = await waitFor<any[]>(
        test.client,
        `/invoices?contractId=${contractId}&status=draft`,
        (list) => list.length === 1,
        'the draft',
      );
      expect((await getDocument(test, `/invoices/${draft.invoiceId}/pdf`)).status).toBe(409);
      await expectOk(
        test.client.post(`/invoices/${draft.invoiceId}/issue`, { date: '2026-02-03' }),
        'issue',
      );
      const invoice = await expectOk<any>(
        test.client.get(`/invoices/${draft.invoiceId}`),
        'invoice',
      );
      const { pages } = await pdfText(
        (await getDocument(test, `/invoices/${draft.invoiceId}/pdf`)).bytes,
      );
      expect(pages.length).toBeGreaterThanOrEqual(3);
      for (const page of pages.slice(1))
        expect(page).toEqual(
          expect.arrayContaining([
            'CONTINUATION SHEET',
            `INVOICE NO: ${invoice.number}`,
            'RETAINAGE',
          ]),
        );
      expect(missing(g703Lines(invoice), pages.slice(1).flat())).toEqual([]);
      expect(missing(g702Lines(invoice), pages[0])).toEqual([]);
      for (const name of [customer.name, body.title])
        expect(pages[0].filter((line) => line.includes(name))).not.toEqual([]);
      pages.forEach((page, index) =>
        expect(page.at(-1)).toBe(
          `${invoice.number}, application 1 · Page ${index + 1} of ${pages.length}`,
        ),
      );
    } finally {
      await test.close();
    }
  }, 60_000);
});
