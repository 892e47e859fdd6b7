import { computePayApplication, type InvoiceDocument } from '@billing/invoicing/domain';
import { renderPayApplication } from '@billing/invoicing/feature';
import { summarize, type Summary } from './stats';

export interface PdfFigures {
  lines: number;
  samples: number;
  warmups: number;
  pages: number;
  bytes: number;
  render: Summary & { mean: number };
  /**
   * CPU time (user + system) per render, in ms: what a busy machine's wall clock adds waiting for a
   * core is not in it.
   */
  cpu: Summary & { mean: number };
}

type PayApplication = Extract<InvoiceDocument, { kind: 'pay-application' }>;

/**
 * A second pay application of `count` lines: work from the first, this period's, stored materials
 * on some lines, a change order.
 */
export function payApplicationOf(count: number): PayApplication {
  const lines = Array.from({ length: count }, (_, i) => ({
    lineId: `L${i + 1}`,
    item: `${i + 1}`,
    description: `Trade package ${i + 1}`,
    scheduledValue: 2_500_000 + i * 37_113,
  }));
  const originalSum = lines.reduce((total, line) => total + line.scheduledValue, 0) - 1_000_000;
  const work = (line: (typeof lines)[number], i: number, share: number) =>
    Math.round((line.scheduledValue * share * ((i % 7) + 1)) / 7);
  const certified = Object.fromEntries(
    lines.map((line, i) => [
      line.lineId,
      {
        lineId: line.lineId,
        workCompletedToDate: work(line, i, 0.6),
        storedMaterials: i % 5 === 0 ? 40_000 : 0,
      },
    ]),
  );
  const previous = {
    workByLine: Object.fromEntries(lines.map((line, i) => [line.lineId, work(line, i, 0.3)])),
    earnedLessRetainage: 0,
  };
  const retainage = [{ threshold: 0, workRate: 1000, materialsRate: 500 }];
  const computed = computePayApplication({
    originalSum,
    netChangeOrders: 1_000_000,
    lines,
    certified,
    previous,
    retainage,
    taxRate: 825,
    retainageReleased: 0,
  });
  const terms = {
    customer: {
      id: 'bench',
      name: 'Harbor Point Development LLC',
      email: 'ap@harborpoint.example',
      address: '100 Quay Street, Portland ME',
    },
    title: `Bench job of ${count} lines`,
    currency: 'USD',
    originalSum,
    retainage,
    taxRate: 825,
    paymentTermsDays: 30,
    poNumber: 'BENCH-1',
  };
  const invoice = {
    invoiceId: 'bench',
    kind: 'progress' as const,
    status: 'issued' as const,
    applicationNo: 2,
    periodEnd: '2026-02-28',
    number: 'INV-2026-00002',
  };
  const changeOrders = {
    previous: { additions: 0, deductions: 0 },
    thisPeriod: { additions: 1_000_000, deductions: 0 },
    totals: { additions: 1_000_000, deductions: 0 },
    netChange: 1_000_000,
  };
  const issued = {
    ...invoice,
    issueDate: '2026-03-04',
    dueDate: '2026-04-03',
    paid: 0,
    credited: 0,
    ...computed,
  };
  return {
    kind: 'pay-application',
    contractId: 'bench',
    contractDate: '2026-01-05',
    terms,
    invoice: issued,
    changeOrders,
  };
}

/**
 * Render time of one pay application (G702 page and G703 sheets) in process, after warm-up renders
 * (JIT, the fonts' metrics).
 */
export async function measurePdf(
  lines: number,
  samples: number,
  log: (line: string) => void,
): Promise<PdfFigures> {
  const document = payApplicationOf(lines);
  const warmups = 5;
  for (let i = 0; i < warmups; i++) await renderPayApplication(document);
  const times: number[] = [];
  const cpu: number[] = [];
  let pdf: Buffer = Buffer.alloc(0);
  for (let i = 0; i < samples; i++) {
    const [started, used] = [performance.now(), process.cpuUsage()];
    pdf = await renderPayApplication(document);
    const { user, system } = process.cpuUsage(used);
    times.push(performance.now() - started);
    cpu.push((user + system) / 1000);
  }
  const pages = pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0;
  log(`pdf: ${samples} renders of ${lines} lines, ${pages} pages`);
  const withMean = (values: number[]) => ({
    ...summarize(values),
    mean: values.reduce((a, b) => a + b, 0) / values.length,
  });
  return {
    lines,
    samples,
    warmups,
    pages,
    bytes: pdf.length,
    render: withMean(times),
    cpu: withMean(cpu),
  };
}
