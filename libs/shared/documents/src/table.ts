import { contentBottom, FONT, type Pdf } from './pdf';

export interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

export interface TableStyle {
  size: number;
  headerSize: number;
  padding: number;
}

export const TABLE_STYLE: TableStyle = { size: 7.5, headerSize: 6.5, padding: 2.5 };

export interface Table {
  columns: readonly Column[];
  rows: readonly (readonly string[])[];
  /** A last row in bold (totals), kept on the page of the last row. */
  total?: readonly string[];
}

export interface Placement {
  x: number;
  y: number;
  /** Starts a new page (its heading drawn) and answers where the table goes on from. */
  newPage: () => number;
  style?: TableStyle;
}

interface CellStyle {
  size: number;
  padding: number;
  bold: boolean;
}

/**
 * Text that fits its column on one line is placed by hand; only text that wraps goes through
 * PDFKit's line wrapper (the slow part of a row).
 */
const fitsOneLine = (doc: Pdf, text: string, column: Column, padding: number) =>
  !text.includes('\n') && doc.widthOfString(text) <= column.width - 2 * padding;

function heightOf(
  doc: Pdf,
  columns: readonly Column[],
  cells: readonly string[],
  style: CellStyle,
): number {
  doc.font(style.bold ? FONT.bold : FONT.regular).fontSize(style.size);
  const oneLine = doc.currentLineHeight(true);
  const heights = cells.map((cell, index) =>
    fitsOneLine(doc, cell, columns[index], style.padding)
      ? oneLine
      : doc.heightOfString(cell, { width: columns[index].width - 2 * style.padding }),
  );
  return Math.max(...heights) + 2 * style.padding;
}

function drawCell(
  doc: Pdf,
  text: string,
  column: Column,
  left: number,
  top: number,
  padding: number,
): void {
  const inner = column.width - 2 * padding;
  if (!fitsOneLine(doc, text, column, padding))
    return void doc.text(text, left + padding, top + padding, {
      width: inner,
      align: column.align ?? 'left',
    });
  const slack = inner - doc.widthOfString(text);
  const offset = column.align === 'right' ? slack : column.align === 'center' ? slack / 2 : 0;
  doc.text(text, left + padding + offset, top + padding, { lineBreak: false });
}

/** One row of `height`: every cell wrapped to its column, all starting on one baseline, ruled. */
function drawRow(
  doc: Pdf,
  columns: readonly Column[],
  cells: readonly string[],
  x: number,
  y: number,
  height: number,
  style: CellStyle & { shaded: boolean },
): void {
  doc.font(style.bold ? FONT.bold : FONT.regular).fontSize(style.size);
  const width = columns.reduce((total, column) => total + column.width, 0);
  if (style.shaded) doc.rect(x, y, width, height).fill('#ececec').fillColor('black');
  let left = x;
  columns.forEach((column, index) => {
    drawCell(doc, cells[index] ?? '', column, left, y, style.padding);
    doc.rect(left, y, column.width, height).lineWidth(0.4).stroke();
    left += column.width;
  });
}

/**
 * Draws the table from `at`, its header row repeated on every page: a row that would cross the
 * page's content bottom goes to a new page (`newPage`). Answers the y below the table.
 */
export function drawTable(doc: Pdf, table: Table, at: Placement): number {
  const { size, headerSize, padding } = at.style ?? TABLE_STYLE;
  const headerStyle = { size: headerSize, padding, bold: true, shaded: true };
  const titles = table.columns.map((column) => column.header);
  const headerHeight = heightOf(doc, table.columns, titles, headerStyle);
  const header = (y: number) => (
    drawRow(doc, table.columns, titles, at.x, y, headerHeight, headerStyle),
    y + headerHeight
  );
  let y = header(at.y);
  const rows = [
    ...table.rows.map((cells) => ({ cells, bold: false })),
    ...(table.total ? [{ cells: table.total, bold: true }] : []),
  ];
  for (const row of rows) {
    const style = { size, padding, bold: row.bold, shaded: false };
    const height = heightOf(doc, table.columns, row.cells, style);
    if (y + height > contentBottom(doc)) y = header(at.newPage());
    drawRow(doc, table.columns, row.cells, at.x, y, height, style);
    y += height;
  }
  return y;
}
