import { runScenario, type ScenarioResult } from '@billing/shared/testing';
import { startTestApp, type TestApp } from './testing/test-app';

const g702 = (...lines: number[]) => ({
  originalContractSum: lines[0],
  netChangeByChangeOrders: lines[1],
  contractSumToDate: lines[2],
  totalCompletedAndStoredToDate: lines[3],
  retainageOnCompletedWork: lines[4],
  retainageOnStoredMaterials: lines[5],
  totalRetainage: lines[6],
  totalEarnedLessRetainage: lines[7],
  lessPreviousCertificates: lines[8],
  currentPaymentDue: lines[9],
  balanceToFinishIncludingRetainage: lines[10],
});

describe('the whole billing flow, over HTTP, on the embedded default', () => {
  let test: TestApp;
  let result: ScenarioResult;

  beforeAll(async () => {
    test = await startTestApp();
    result = await runScenario(test.client);
    await test.settle();
  }, 60_000);
  afterAll(() => test.close());

  it('computes every G702 line of the four pay applications to the cent', () => {
    // Hand-computed: per-line rounding half away from zero, retainage step by line 4 / line 3.
    expect(result.applications.map((a) => a.g702)).toMatchObject([
      g702(
        100_000_000,
        0,
        100_000_000,
        16_129_630,
        1_487_963,
        125_000,
        1_612_963,
        14_516_667,
        0,
        14_516_667,
        85_483_333,
      ),
      g702(
        100_000_000,
        4_567_890,
        104_567_890,
        45_815_098,
        4_501_510,
        80_000,
        4_581_510,
        41_233_588,
        14_516_667,
        26_716_921,
        63_334_302,
      ),
      g702(
        100_000_000,
        4_567_890,
        104_567_890,
        83_506_740,
        4_160_338,
        15_000,
        4_175_338,
        79_331_402,
        41_233_588,
        38_097_814,
        25_236_488,
      ),
      g702(
        100_000_000,
        4_567_890,
        104_567_890,
        104_567_890,
        5_228_395,
        0,
        5_228_395,
        99_339_495,
        79_331_402,
        20_008_093,
        5_228_395,
      ),
    ]);
    expect(result.applications.map((a) => a.g702.retainageStep.workRate)).toEqual([
      1000, 1000, 500, 500,
    ]);
  });

  it('fills the G703 columns per line', () => {
    const [first, second] = result.applications;
    expect(first.g703.find((row: any) => row.lineId === 'L2')).toMatchObject({
      scheduledValue: 51_234_567,
      fromPreviousApplication: 0,
      thisPeriod: 5_379_630,
      materialsPresentlyStored: 1_250_000,
      completedAndStoredToDate: 6_629_630,
      balanceToFinish: 44_604_937,
      retainage: 662_963,
    });
    expect(second.g703.find((row: any) => row.lineId === 'L2')).toMatchObject({
      fromPreviousApplication: 5_379_630,
      thisPeriod: 17_844_999,
      materialsPresentlyStored: 0,
      completedAndStoredToDate: 23_224_629,
      retainage: 2_322_463,
    });
    expect(second.g703.find((row: any) => row.lineId === 'L4')).toMatchObject({
      item: '4',
      scheduledValue: 4_567_890,
      thisPeriod: 913_578,
      retainage: 91_358,
      percentComplete: 2000,
    });
  });

  it('taxes each invoice and numbers them gaplessly in issue order', () => {
    expect(result.applications.map((a) => [a.number, a.amount, a.tax, a.total, a.dueDate])).toEqual(
      [
        ['INV-2026-00001', 14_516_667, 1_197_625, 15_714_292, '2026-03-05'],
        ['INV-2026-00002', 26_716_921, 2_204_146, 28_921_067, '2026-04-03'],
        ['INV-2026-00003', 38_097_814, 3_143_070, 41_240_884, '2026-05-02'],
        ['INV-2026-00004', 20_008_093, 1_650_668, 21_658_761, '2026-05-31'],
      ],
    );
    expect(result.release).toMatchObject({
      kind: 'retainage-release',
      number: 'INV-2026-00005',
      amount: 5_228_395,
      tax: 431_343,
      total: 5_659_738,
    });
  });

  it('ages receivables as of each date, counting only what happened by then', () => {
    const buckets = (date: string) => result.aging[date].buckets;
    const held = (date: string) => result.aging[date].retainageHeld;
    expect(buckets('2026-03-31')).toEqual({
      current: 28_921_067,
      days1to30: 0,
      days31to60: 0,
      days61to90: 0,
      over90: 0,
    });
    expect(held('2026-03-31')).toBe(4_581_510);
    expect(buckets('2026-04-30')).toEqual({
      current: 41_240_884,
      days1to30: 8_921_067,
      days31to60: 0,
      days61to90: 0,
      over90: 0,
    });
    expect(held('2026-04-30')).toBe(4_175_338);
    // The bounced cheque (received 05-10) paid INV-2 and part of INV-3 oldest-first until its
    // reversal on 05-14.
    expect(buckets('2026-05-12')).toEqual({
      current: 21_658_761,
      days1to30: 8_921_067,
      days31to60: 0,
      days61to90: 0,
      over90: 0,
    });
    expect(held('2026-05-12')).toBe(5_228_395);
    expect(buckets('2026-05-31')).toEqual({
      current: 27_318_499,
      days1to30: 41_240_884,
      days31to60: 8_921_067,
      days61to90: 0,
      over90: 0,
    });
    expect(held('2026-05-31')).toBe(0);
    expect(buckets('2026-07-15')).toEqual({
      current: 0,
      days1to30: 2_480_450,
      days31to60: 0,
      days61to90: 0,
      over90: 0,
    });
    expect(result.aging['2026-07-15'].invoices).toEqual([
      expect.objectContaining({ number: 'INV-2026-00005', open: 2_480_450 }),
    ]);
  });

  it("prints the customer's statement for a period with a running balance", async () => {
    const { body } = await test.client.get(
      `/accounts/${result.customerId}/statement?from=2026-04-01&to=2026-05-31`,
    );
    expect(body.openingBalance).toBe(28_921_067);
    expect(
      body.lines.map((line: any) => [line.date, line.kind, line.amount, line.balance]),
    ).toEqual([
      ['2026-04-02', 'invoice', 41_240_884, 70_161_951],
      ['2026-04-20', 'payment', -20_000_000, 50_161_951],
      ['2026-05-01', 'invoice', 21_658_761, 71_820_712],
      ['2026-05-10', 'payment', -41_240_884, 30_579_828],
      ['2026-05-14', 'reversal', 41_240_884, 71_820_712],
      ['2026-05-20', 'invoice', 5_659_738, 77_480_450],
    ]);
    // What the customer owes at the end of the period is what aging shows open that day.
    expect(body.closingBalance).toBe(77_480_450);
    const aged = result.aging['2026-05-31'];
    expect(aged.total).toBe(body.closingBalance);
  });

  it('summarises the contract from every context', () => {
    expect(result.summaryBeforeClose).toMatchObject({
      contractSumToDate: 104_567_890,
      completedAndStoredToDate: 104_567_890,
      billedNet: 104_567_890,
      billedTax: 8_626_852,
      retainageHeld: 0,
      paid: 110_714_292,
      outstanding: 2_480_450,
      balanceToFinish: 0,
      balanceToFinishIncludingRetainage: 0,
    });
    expect(result.closed.status).toBe('closed');
  });

  it('rebuilds identical read models from zero', async () => {
    const head = await test.infrastructure.eventStore.headPosition();
    const replay = await startTestApp({ eventStore: test.infrastructure.eventStore });
    await replay.settle();
    try {
      expect(await test.infrastructure.eventStore.headPosition()).toBe(head);
      for (const path of [
        `/contracts/${result.contractId}`,
        `/invoices?contractId=${result.contractId}`,
        `/accounts/${result.customerId}`,
        `/contracts/${result.contractId}/billing`,
        `/contracts/${result.contractId}/schedule`,
        '/aging?asOf=2026-05-31',
      ]) {
        expect((await replay.client.get(path)).body).toEqual((await test.client.get(path)).body);
      }
    } finally {
      await replay.close();
    }
  });

  it('tells the whole story of the contract across the four contexts', async () => {
    const { body } = await test.client.get(`/contracts/${result.contractId}/history`);
    const streams = new Set(body.map((event: any) => event.streamId.split('-')[0]));
    expect([...streams].sort()).toEqual([
      'account',
      'billing',
      'contract',
      'numbering',
      'schedule',
    ]);
    expect(body[0]).toMatchObject({
      type: 'ContractCreated',
      actor: 'tester',
      command: 'CreateContract',
    });
    expect(body.find((event: any) => event.type === 'PayApplicationDrafted')).toMatchObject({
      actor: 'system:invoicing',
      command: 'DraftPayApplication',
    });
    expect(
      body.every(
        (event: any) =>
          event.actor &&
          event.command &&
          event.correlationId &&
          event.causationId &&
          event.recordedAt &&
          event.occurredAt,
      ),
    ).toBe(true);
    expect(body.filter((event: any) => event.type === 'PaymentReversed')[0].data.reason).toMatch(
      /insufficient funds/,
    );
    // One correlation id from the certification through the draft it caused.
    const certified = body.find(
      (event: any) => event.type === 'ProgressCertified' && event.data.periodEnd === '2026-01-31',
    );
    const drafted = body.find(
      (event: any) =>
        event.type === 'WorkCertified' &&
        event.data.certificationId === certified.data.certificationId,
    );
    expect(drafted.correlationId).toBe(certified.correlationId);
    expect(drafted.causationId).not.toBe(certified.causationId);
  });
});
