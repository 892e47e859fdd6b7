import {
  contentWidth,
  drawTable,
  escapeHtml,
  fitted,
  FONT,
  markup,
  MARGIN,
  newPage,
  percent,
  renderPdf,
  type Pdf,
} from './index';

const info = {
  title: 'Invoice INV-2026-00001',
  subject: 'A test',
  keywords: 'invoice 1',
  issueDate: '2026-02-03',
};
const draw = (doc: Pdf) => {
  newPage(doc, 'portrait');
  doc.text('Hello', MARGIN, MARGIN);
};

describe('deterministic PDFs', () => {
  afterEach(() => jest.useRealTimers());

  it('render the same bytes at any time: dates are the issue date, the file id follows from the document', async () => {
    jest.useFakeTimers({ now: new Date('2026-02-03T10:00:00Z') });
    const first = await renderPdf(info, draw);
    jest.setSystemTime(new Date('2031-07-19T23:59:59Z'));
    const again = await renderPdf(info, draw);
    expect(again.equals(first)).toBe(true);
    const text = first.toString('latin1');
    expect(text.match(/\(D:\d{14}Z\)/g)).toEqual(['(D:20260203000000Z)', '(D:20260203000000Z)']);
    const other = (await renderPdf({ ...info, keywords: 'invoice 2' }, draw)).toString('latin1');
    const fileId = (pdf: string) => /\/ID \[<([0-9a-f]{32})> <\1>\]/.exec(pdf)?.[1];
    expect(fileId(text)).toBeDefined();
    expect(fileId(other)).not.toBe(fileId(text));
  });

  it('embed the glyphs they use of Arimo, and only Arimo: no font of the machine is read', async () => {
    const text = (await renderPdf(info, draw)).toString('latin1');
    // A subset (its tag before the +), named by the font and its descendant.
    expect([...new Set(text.match(/\/BaseFont \/\S+/g))]).toEqual([
      expect.stringMatching(/^\/BaseFont \/[A-Z]{6}\+Arimo-Regular$/),
    ]);
    expect(text).toMatch(/\/FontFile2/);
  });

  it('fit a mark to its line: cut between characters, ended with "…", untouched when it fits', async () => {
    await renderPdf(info, (doc) => {
      newPage(doc, 'portrait');
      doc.font(FONT.bold).fontSize(8);
      const width = contentWidth(doc);
      expect(fitted(doc, 'billed to the wrong entity', width)).toBe('billed to the wrong entity');
      for (const text of [
        'x'.repeat(120),
        'W'.repeat(120),
        'wrong entity '.repeat(160),
        '🙂'.repeat(300),
      ]) {
        const shown = fitted(doc, text, width);
        expect(doc.widthOfString(shown)).toBeLessThanOrEqual(width);
        expect(shown.endsWith('…') || shown === text).toBe(true);
        expect(text.startsWith(shown.replace(/…$/, ''))).toBe(true);
        expect(shown).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      }
      expect(fitted(doc, 'W'.repeat(120), width).length).toBeLessThan(120);
    });
  });

  it('refuse an issue date that is not a date', async () => {
    await expect(renderPdf({ ...info, issueDate: '3 February' }, draw)).rejects.toThrow(
      /not a date/,
    );
  });

  it('paginate a table, its header row on every page', async () => {
    let pages = 0;
    await renderPdf(info, (doc) => {
      const start = () => newPage(doc, 'portrait');
      const rows = Array.from({ length: 120 }, (_, i) => [`${i + 1}`, `Row ${i + 1}`]);
      drawTable(
        doc,
        {
          columns: [
            { header: 'NO.', width: 40 },
            { header: 'TEXT', width: 200 },
          ],
          rows,
          total: ['', 'TOTAL'],
        },
        { x: MARGIN, y: start(), newPage: start },
      );
      pages = doc.bufferedPageRange().count;
    });
    expect(pages).toBe(3);
  });
});

describe('document text', () => {
  it('prints hundredths of a percent with two decimals', () => {
    expect([4533, 5, 10_000, -1250, 0].map(percent)).toEqual([
      '45.33%',
      '0.05%',
      '100.00%',
      '-12.50%',
      '0.00%',
    ]);
  });

  it('escapes what goes into HTML, once', () => {
    expect(escapeHtml(`O'Brien & <Sons> "Builders"`)).toBe(
      'O&#39;Brien &amp; &lt;Sons&gt; &quot;Builders&quot;',
    );
    const name = '<script>alert(1)</script>';
    const cells = [markup`<td>${name}</td>`, markup`<td>${3}</td>`];
    expect(markup`<tr title="${'a"b'}">${cells}</tr>`.value).toBe(
      '<tr title="a&quot;b"><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td>3</td></tr>',
    );
  });
});
