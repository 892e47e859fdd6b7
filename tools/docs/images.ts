import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setLogLevel } from '@billing/shared/logging';
import { runScenario } from '@billing/shared/testing';
import { startTestApp } from '../../apps/standalone/src/testing/test-app';
import { getDocument } from '../../apps/standalone/src/testing/pdf';

const ROOT = join(__dirname, '..', '..');
const OUT = join(ROOT, 'docs', 'images');

/**
 * Rasterizes one page of a PDF with poppler's pdftoppm (Debian: poppler-utils) into `<name>.png`.
 */
function rasterize(pdf: string, page: number, name: string): string {
  const target = join(OUT, name);
  try {
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '100',
      '-f',
      String(page),
      '-l',
      String(page),
      '-singlefile',
      pdf,
      target,
    ]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('pdftoppm is not installed: apt-get install -y poppler-utils');
    throw error;
  }
  return relative(ROOT, `${target}.png`);
}

/**
 * npm run docs:images: the README's pictures of a G702 page and a G703 page. The embedded app on
 * in-memory adapters runs the scenario (shared/testing), and its second pay application (a change
 * order approved that month, stored materials, 10% retainage) is fetched as a user gets it.
 */
async function main() {
  // The scenario's reactions would log a line each: only what goes wrong is worth reading here.
  setLogLevel('warn');
  const test = await startTestApp();
  const work = mkdtempSync(join(tmpdir(), 'docs-images-'));
  try {
    const { applications } = await runScenario(test.client);
    const pdf = await getDocument(test, `/invoices/${applications[1].invoiceId}/pdf`);
    if (pdf.status !== 200) throw new Error(`GET the pay application's PDF answered ${pdf.status}`);
    const file = join(work, 'pay-application.pdf');
    writeFileSync(file, pdf.bytes);
    mkdirSync(OUT, { recursive: true });
    console.log(
      `written ${rasterize(file, 1, 'g702')} and ${rasterize(file, 2, 'g703')} (${applications[1].number})`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
    await test.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
