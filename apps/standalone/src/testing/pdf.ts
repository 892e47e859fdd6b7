import { execFile } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import type { TestApp } from './test-app';

export interface Document {
  status: number;
  headers: Record<string, string>;
  bytes: Buffer;
}

/** GET a document as the bytes sent (supertest buffers only text and JSON by itself). */
export async function getDocument(test: TestApp, path: string): Promise<Document> {
  const response = await request(test.app.getHttpServer())
    .get(path)
    .set('authorization', `Bearer ${test.token}`)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  return { status: response.status, headers: response.headers, bytes: response.body as Buffer };
}

export interface PdfText {
  /** Each page's text, one line per line of text, the pieces of a line joined by spaces. */
  pages: string[][];
  info: Record<string, unknown>;
}

/**
 * The text of a PDF as pdf-parse (pdf.js) reads it back, in a child process (pdf-text.mjs says
 * why).
 */
export function pdfText(bytes: Buffer): Promise<PdfText> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [join(__dirname, 'pdf-text.mjs')],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => {
        if (error) return reject(new Error(`pdf-text.mjs failed: ${error.message}`));
        const parsed = JSON.parse(stdout) as { pages: string[]; info: Record<string, unknown> };
        resolve({ pages: parsed.pages.map((page) => page.split('\n')), info: parsed.info });
      },
    );
    child.stdin!.end(bytes);
  });
}

/** The PDF's file identifier (trailer /ID): derived from the document, never random. */
export const fileIdOf = (bytes: Buffer) =>
  /\/ID \[<([0-9a-f]+)>/.exec(bytes.toString('latin1'))?.[1];

// Formatted here, not with the code under test: an amount in cents as the documents print it, and
// 1/100 %.
export const usd = (cents: number) =>
  `${cents < 0 ? '-' : ''}${new Intl.NumberFormat('en-US', { minimumFractionDigits: 2 }).format(Math.abs(cents) / 100)}`;
export const pct = (hundredths: number) => `${(hundredths / 100).toFixed(2)}%`;

/** The lines of `expected` not found exactly once among `lines`. */
export const missing = (expected: string[], lines: string[]) =>
  expected.filter((text) => lines.filter((line) => line === text).length !== 1);
