import { applyDecorators, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';

/** The media types a document is answered in (README "Documents"). */
export type DocumentMediaType = 'application/pdf' | 'text/plain' | 'text/html';

const CONTENT_DISPOSITION = {
  'Content-Disposition': {
    description: '`inline; filename="<document number>.<pdf|txt|html>"`',
    schema: { type: 'string', example: 'inline; filename="INV-2026-00001.pdf"' },
  },
};

/**
 * A 200 whose body is the document itself, in `mediaType` (binary for a PDF, UTF-8 text otherwise),
 * named by Content-Disposition.
 */
export const ApiDocumentResponse = (mediaType: DocumentMediaType, description: string) =>
  applyDecorators(
    ApiProduces(mediaType),
    ApiOkResponse({
      description,
      headers: CONTENT_DISPOSITION,
      content: {
        [mediaType]: {
          schema:
            mediaType === 'application/pdf'
              ? { type: 'string', format: 'binary' }
              : { type: 'string' },
        },
      },
    }),
  );

const EXTENSIONS: Record<DocumentMediaType, string> = {
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/html': 'html',
};

/**
 * The document as the answer: its media type (text in UTF-8), its length, and `inline` with the
 * file name it would be saved under.
 */
export function documentFile(
  content: Buffer | string,
  mediaType: DocumentMediaType,
  name: string,
): StreamableFile {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const file = `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.${EXTENSIONS[mediaType]}`;
  const type = mediaType === 'application/pdf' ? mediaType : `${mediaType}; charset=utf-8`;
  return new StreamableFile(bytes, {
    type,
    length: bytes.length,
    disposition: `inline; filename="${file}"`,
  });
}
