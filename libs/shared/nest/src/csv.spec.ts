import type { Response } from 'express';
import { csvAnswer } from './csv';

describe('csvAnswer', () => {
  const answer = (rows: object[]) => {
    const headers: Record<string, string> = {};
    const response = {
      setHeader: (name: string, value: string) => (headers[name] = value),
    } as unknown as Response;
    return { text: csvAnswer(response, 'aging', ['customerName', 'total'], rows), headers };
  };

  it('writes a text that a spreadsheet would run as a formula after an apostrophe, and numbers as they are', () => {
    const { text, headers } = answer([
      { customerName: '=HYPERLINK("http://evil.example","x")', total: -5 },
      { customerName: '+1+2', total: 0 },
      { customerName: '-2+3', total: 1 },
      { customerName: '@SUM(A1)', total: 2 },
      { customerName: '\tTab', total: 3 },
      { customerName: 'Harbor Point = good', total: 4 },
      { customerName: ' =1+3', total: 5 },
      { customerName: '\u00a0@SUM(A1)', total: 6 },
      // A decimal given as a string (an average, DSO) is a number to a spreadsheet, not a formula.
      { customerName: '-19.00', total: '-19.00' },
      { customerName: '-19.00 days', total: '-1e3' },
    ]);
    expect(text.split('\r\n')).toEqual([
      'customerName,total',
      `"'=HYPERLINK(""http://evil.example"",""x"")",-5`,
      "'+1+2,0",
      "'-2+3,1",
      "'@SUM(A1),2",
      "'\tTab,3",
      'Harbor Point = good,4',
      "' =1+3,5",
      "'\u00a0@SUM(A1),6",
      '-19.00,-19.00',
      "'-19.00 days,'-1e3",
      '',
    ]);
    expect(headers['Content-Type']).toMatch(/^text\/csv/);
  });

  it('quotes a text with a line break (LF, CR or both), so no line of it starts a row of its own', () => {
    const { text } = answer([
      { customerName: "Harmless\n=2+5*cmd|' /C calc'!A0", total: 1 },
      { customerName: 'T\r=1+1', total: 2 },
      { customerName: 'Two\r\nlines', total: 3 },
      { customerName: '\n=1+4', total: 4 },
    ]);
    expect(text).toBe(
      [
        'customerName,total',
        `"Harmless\n=2+5*cmd|' /C calc'!A0",1`,
        '"T\r=1+1",2',
        '"Two\r\nlines",3',
        `"'\n=1+4",4`,
        '',
      ].join('\r\n'),
    );
  });
});
