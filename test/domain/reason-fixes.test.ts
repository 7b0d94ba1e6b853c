import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../shared/domain/model.js';
import { REASON_FIXES } from '../../shared/domain/reason-fixes.js';

const docs = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'reasons.md'), 'utf8');

describe('fix sentences per reason code', () => {
  it.each(REASON_CODES)('%s has one sentence to act on', (code) => {
    expect(REASON_FIXES[code]).toMatch(/^[A-Z][^\n]*\.$/);
    expect(REASON_FIXES[code].split(/\.\s/)).toHaveLength(1);
  });

  it('docs/reasons.md shows exactly this table', () => {
    const rows = [...docs.matchAll(/^\| `([A-Z0-9_]+)` +\| (.*?) +\|$/gm)].map((m) => [
      m[1],
      m[2]!.replaceAll('\\|', '|'),
    ]);
    expect(rows).toEqual(REASON_CODES.map((code) => [code, REASON_FIXES[code]]));
  });
});
