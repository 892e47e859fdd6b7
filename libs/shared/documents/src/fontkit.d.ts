/** fontkit (PDFKit's font engine) ships no types: what documents use of it. */
declare module 'fontkit' {
  /** Parses a font file; PDFKit embeds from the object it answers. */
  export function create(buffer: Uint8Array): unknown;
}
