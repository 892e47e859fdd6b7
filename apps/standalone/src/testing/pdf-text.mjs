// Reads a PDF on stdin and prints its info and text, page by page, as JSON, as pdf-parse (pdf.js)
// extracts it. A child process of the specs: pdf.js is an ES module that loads its worker with
// import(), which jest's CommonJS runtime cannot do.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PDFParse } from 'pdf-parse';

// The documents use PDF's standard fonts unembedded: pdf.js reads their metrics from its own font
// folder.
const standardFontDataUrl =
  join(
    dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')),
    'standard_fonts',
  ) + '/';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)), standardFontDataUrl });
try {
  const { pages } = await parser.getText();
  const { info } = await parser.getInfo();
  process.stdout.write(JSON.stringify({ pages: pages.map((page) => page.text), info }));
} finally {
  await parser.destroy();
}
