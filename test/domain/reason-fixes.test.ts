import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REASON_CODES, WARNING_CODES } from '../../shared/domain/model.js';
import { REASON_FIXES, WARNING_FIXES } from '../../shared/domain/reason-fixes.js';

const docs = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'reasons.md'), 'utf8');

describe('fix sentences per reason code', () => {
  it.each(REASON_CODES)('%s has one sentence to act on', (code) => {
    expect(REASON_FIXES[code]).toMatch(/^[A-Z][^\n]*\.$/);
    expect(REASON_FIXES[code].split(/\.\s/)).toHaveLength(1);
  });

  it.each(WARNING_CODES)('warning %s has one sentence to act on', (code) => {
    expect(WARNING_FIXES[code]).toMatch(/^[A-Z][^\n]*\.$/);
    expect(WARNING_FIXES[code].split(/\.\s/)).toHaveLength(1);
  });

  it('docs/reasons.md shows exactly these tables: reasons, then warnings', () => {
    const [reasons, warnings] = docs.split(/^## Warnings$/m);
    expect(tableRows(reasons!)).toEqual(REASON_CODES.map((code) => [code, REASON_FIXES[code]]));
    expect(tableRows(warnings!)).toEqual(WARNING_CODES.map((code) => [code, WARNING_FIXES[code]]));
  });
});

function tableRows(markdown: string): string[][] {
  return [...markdown.matchAll(/^\| `([A-Z_]+)` +\| (.*?) +\|$/gm)].map((m) => [
    m[1]!,
    m[2]!.replaceAll('\\|', '|'),
  ]);
}
