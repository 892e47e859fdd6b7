import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import { isBusinessDate } from '@billing/shared/kernel';

export type Pdf = PDFKit.PDFDocument;

/**
 * Arimo (Google Fonts, OFL; metric-compatible with Arial and Helvetica), embedded as a subset of the
 * glyphs each document uses: PDF's standard fonts encode only WinAnsi, so a Polish, Czech, Greek,
 * Cyrillic or Hebrew name printed as garbage. The files are the npm package's (a pinned version),
 * never the machine's. Registered under these names in every document.
 */
export const FONT = {
  regular: 'Arimo',
  bold: 'Arimo-Bold',
  italic: 'Arimo-Italic',
} as const;

/**
 * The fonts, parsed once per process (fontkit): PDFKit takes a parsed font as it takes a file, and
 * parsing the files again for every document cost four times the rest of a 50-line G703's render.
 * Each document still embeds its own subset of the glyphs it uses.
 */
const FONTS: Record<string, unknown> = Object.fromEntries(
  Object.entries({
    [FONT.regular]: '400Regular/Arimo_400Regular.ttf',
    [FONT.bold]: '700Bold/Arimo_700Bold.ttf',
    [FONT.italic]: '400Regular_Italic/Arimo_400Regular_Italic.ttf',
  }).map(([name, file]) => [
    name,
    fontkit.create(readFileSync(require.resolve(`@expo-google-fonts/arimo/${file}`))),
  ]),
);

/**
 * Creator and Producer: fixed, never a version or a host name, so that a re-render is
 * byte-identical.
 */
export const PRODUCER = 'contract-billing documents (PDFKit, Arimo)';

/** Points (1/72 in) around every page's content. */
export const MARGIN = 36;

export interface PdfInfo {
  title: string;
  subject: string;
  /**
   * Names the document beyond its title (its ids): PDFKit derives the trailer /ID from the info, so
   * it differs per document and never per render.
   */
  keywords: string;
  /**
   * YYYY-MM-DD: CreationDate and ModDate are its midnight UTC, whenever the document is rendered.
   */
  issueDate: string;
}

/**
 * Renders a document: `draw` adds its pages; the same info and drawing give the same bytes at any
 * time, on any machine.
 */
export function renderPdf(info: PdfInfo, draw: (doc: Pdf) => void): Promise<Buffer> {
  const { issueDate } = info;
  if (!isBusinessDate(issueDate))
    return Promise.reject(new RangeError(`issue date ${info.issueDate} is not a date YYYY-MM-DD`));
  const midnight = new Date(`${issueDate}T00:00:00Z`);
  const doc = new PDFDocument({
    autoFirstPage: false,
    bufferPages: true,
    // Uncompressed: Node's zlib (Chromium's, with CPU-dependent fast paths) need not deflate the
    // same bytes on every machine and release.
    compress: false,
    displayTitle: true,
    pdfVersion: '1.7',
    info: {
      Title: info.title,
      Subject: info.subject,
      Keywords: info.keywords,
      Creator: PRODUCER,
      Producer: PRODUCER,
      CreationDate: midnight,
      ModDate: midnight,
    },
  });
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      // @types/pdfkit lists files only; PDFKit 0.20 takes a parsed font (anything with `layout`).
      for (const [name, font] of Object.entries(FONTS)) doc.registerFont(name, font as Buffer);
      doc.font(FONT.regular);
      draw(doc);
      doc.end();
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** A new US Letter page; answers the top of its content. */
export function newPage(doc: Pdf, layout: 'portrait' | 'landscape'): number {
  doc.addPage({ size: 'LETTER', layout, margin: MARGIN });
  return MARGIN;
}

/** The lowest y a row may reach on the current page, above the page footer. */
export const contentBottom = (doc: Pdf) => doc.page.height - MARGIN - 10;

export const contentWidth = (doc: Pdf) => doc.page.width - 2 * MARGIN;

/** Text at a place, one line, never moving the cursor to a new page. */
export function line(
  doc: Pdf,
  text: string,
  x: number,
  y: number,
  options: {
    size?: number;
    bold?: boolean;
    width?: number;
    align?: 'left' | 'right' | 'center';
  } = {},
): void {
  doc
    .font(options.bold ? FONT.bold : FONT.regular)
    .fontSize(options.size ?? 8)
    .text(text, x, y, { width: options.width, align: options.align ?? 'left', lineBreak: false });
}

/**
 * "<label> · Page n of m" at the foot of every page, once all are drawn (the pages are buffered
 * until then).
 */
export function numberPages(doc: Pdf, label: string): void {
  const { start, count } = doc.bufferedPageRange();
  for (let index = start; index < start + count; index++) {
    doc.switchToPage(index);
    // A line below the bottom margin would make PDFKit add a page: the footer sits in the margin on
    // purpose.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    line(
      doc,
      `${label} · Page ${index - start + 1} of ${count}`,
      MARGIN,
      doc.page.height - MARGIN + 8,
      { size: 7, width: contentWidth(doc), align: 'right' },
    );
    doc.page.margins.bottom = bottom;
  }
}

/** What a document says on every page beyond what it says as issued (`markPages`). */
export interface PageMark {
  /** One line in red in the top margin, cut to fit. */
  note: string;
  /** Large pale letters across the page. */
  across?: string;
}

/** A voided document's mark: "VOID" across it, the date and reason above it. */
export const voidMark = ({ voidedOn, reason }: { voidedOn: string; reason: string }): PageMark => ({
  note: `VOID since ${voidedOn}: ${reason}`,
  across: 'VOID',
});

/**
 * A mark on every page, once all are drawn: its note in the top margin and, when given, its
 * `across` text across the page. The document beneath is unchanged.
 */
export function markPages(doc: Pdf, { note, across }: PageMark): void {
  const { start, count } = doc.bufferedPageRange();
  for (let index = start; index < start + count; index++) {
    doc.switchToPage(index);
    const [top, bottom] = [doc.page.margins.top, doc.page.margins.bottom];
    // Drawn in the margins on purpose: PDFKit would otherwise add a page.
    doc.page.margins.top = doc.page.margins.bottom = 0;
    const [width, height] = [doc.page.width, doc.page.height];
    if (across) {
      doc.save().fillColor('#c00000').fillOpacity(0.18);
      doc.rotate(-30, { origin: [width / 2, height / 2] });
      doc
        .font(FONT.bold)
        .fontSize(160)
        .text(across, 0, height / 2 - 80, { width, align: 'center', lineBreak: false });
      doc.restore();
    }
    doc.save().fillColor('#c00000').font(FONT.bold).fontSize(8);
    // One line in the top margin: a long note ends in "…" (the API has all of it).
    line(doc, fitted(doc, note, contentWidth(doc)), MARGIN, MARGIN - 14, {
      size: 8,
      bold: true,
      width: contentWidth(doc),
    });
    doc.restore();
    [doc.page.margins.top, doc.page.margins.bottom] = [top, bottom];
  }
}

/**
 * `text` as it fits `width` in the current font, cut between characters (never inside one) and
 * ended with "…" when it does not.
 */
export function fitted(doc: Pdf, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  const characters = Array.from(text);
  let [fits, over] = [0, characters.length];
  while (over - fits > 1) {
    const middle = Math.floor((fits + over) / 2);
    if (doc.widthOfString(`${characters.slice(0, middle).join('')}…`) <= width) fits = middle;
    else over = middle;
  }
  return `${characters.slice(0, fits).join('')}…`;
}

/** A blank line to sign or write on, with its caption below it. */
export function blank(doc: Pdf, caption: string, x: number, y: number, width: number): void {
  doc
    .moveTo(x, y)
    .lineTo(x + width, y)
    .lineWidth(0.5)
    .stroke();
  line(doc, caption, x, y + 2, { size: 6.5 });
}
