import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageDocument } from '../../dashboard/build.js';
import { handleReportRequest } from '../../shared/controller/report-api.js';
import type { FindingsStore } from '../../shared/store/findings-store.js';

const root = join(import.meta.dirname, '..', '..');
/** What the page may weigh, uncompressed: it is one request on every visit, before any data. */
const PAGE_BUDGET_BYTES = 40_000;

async function servedPage() {
  // `/` reads nothing from the store.
  const reply = await handleReportRequest({} as FindingsStore, { method: 'GET', path: '/', query: {} });
  expect(reply.statusCode).toBe(200);
  return reply;
}

function inline(html: string, tag: 'script' | 'style'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]!);
}

const sha = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('the dashboard page', () => {
  it('is the committed build of dashboard/ (run `npm run build:dashboard` after changing it)', async () => {
    const committed = readFileSync(join(root, 'shared/dashboard/page.json'), 'utf8');
    const fresh = `${JSON.stringify(await pageDocument(), null, 2)}\n`;
    // Compared by hash: a difference in a one-line minified script would print pages of noise.
    expect(sha(committed), 'page.json is stale: run npm run build:dashboard').toBe(sha(fresh));
  });

  it('is served at / as HTML whose CSP allows exactly its inline script and style, by hash', async () => {
    const { headers, body } = await servedPage();
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = Object.fromEntries(
      headers['content-security-policy']!.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]),
    );
    expect(csp['default-src']).toEqual(["'none'"]);
    expect(csp['connect-src']).toEqual(["'self'"]);
    expect(csp['script-src']).toEqual(inline(body, 'script').map(sha));
    expect(csp['style-src']).toEqual(inline(body, 'style').map(sha));
    expect(inline(body, 'script')).toHaveLength(1);
    expect(body).not.toMatch(/\son[a-z]+=|style="/);
  });

  it('references no other host: no URL, no src or href but its empty data: icon', async () => {
    const { body } = await servedPage();
    expect(body).not.toMatch(/[a-z][a-z0-9+.-]*:\/\//i);
    expect([...body.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1])).toEqual(['data:,', '#findings']);
    expect(body).not.toMatch(/@import|url\(/);
  });

  it(`stays under ${PAGE_BUDGET_BYTES} bytes`, async () => {
    const { body } = await servedPage();
    expect(Buffer.byteLength(body)).toBeLessThan(PAGE_BUDGET_BYTES);
  });
});
