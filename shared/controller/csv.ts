import type { ResourceFinding } from '../domain/model.js';

/**
 * RFC 4180 CSV: one header row from the union of the rows' keys (in first-seen order), values quoted when
 * they contain a comma, quote or line break, nested values as JSON, null/undefined as empty, and cells a
 * spreadsheet would run as a formula neutralised.
 */
export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const columns: string[] = [];
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      if (value !== undefined && !columns.includes(key)) columns.push(key);
    }
  }
  const lines = [
    columns.map(cell).join(','),
    ...rows.map((row) => columns.map((c) => cell(row[c])).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = neutralise(typeof value === 'object' ? JSON.stringify(value) : String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Spreadsheets run a cell that starts with = + - @ (or tab or carriage return before one) as a formula;
 * member-controlled text must never do that, so such a cell gets a leading apostrophe and reads as text
 * (https://owasp.org/www-community/attacks/CSV_Injection).
 */
function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * A finding as one CSV row: its code lists as space-separated words, as the report's filters take them, and
 * `warningDetail` always right after `warnings` (empty without warnings), so every page has the same columns.
 */
export function findingCsvRow(finding: ResourceFinding): Record<string, unknown> {
  const { warningDetail, ...fields } = finding;
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    row[key] = Array.isArray(value) ? value.join(' ') : value;
    if (key === 'warnings') row.warningDetail = warningDetail ?? null;
  }
  return row;
}
