import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboardProxy } from '../../cli/dashboard-proxy.js';
import { ReportClient } from '../../cli/report-client.js';
import { RESOURCE_STATUSES } from '../../shared/domain/model.js';
import { REASON_FIXES } from '../../shared/domain/reason-fixes.js';
import { type LocalServer, launchChromium, serveSandbox, watch } from './support.js';

let server: LocalServer;
let browser: Browser;
let page: Page;
let seen: { errors: string[]; requests: string[] };

async function api<T>(route: string): Promise<T> {
  const response = await fetch(`${server.url}${route}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** Every page of a listing, through the API itself. */
async function all<T>(route: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = route.includes('?') ? '&' : '?';
    const page: { items: T[]; nextCursor: string | null } = await api(
      `${route}${separator}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

async function open(path: string): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.waitForSelector('body[data-ready=true]');
}

/** The ARNs the findings table lists, following its own "Next page" button to the end. */
async function tableArns(): Promise<string[]> {
  const arns: string[] = [];
  for (;;) {
    await page.waitForSelector('#findings-table[aria-busy=false]');
    arns.push(
      ...(await page
        .locator('#findings-body tr[data-arn]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-arn')!))),
    );
    const next = page.locator('#page-next');
    if (await next.isDisabled()) return arns;
    await next.click();
  }
}

beforeAll(async () => {
  [server, browser] = await Promise.all([serveSandbox(['--days', '1']), launchChromium()]);
  page = await browser.newPage();
  seen = watch(page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the dashboard in Chromium, served by `orgbackup sandbox --serve`', () => {
  it('`orgbackup sandbox` prints the dashboard URL, and GET / is the page', async () => {
    expect(server.stdout).toMatch(/^Dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m);
    const response = await fetch(`${server.url}/`);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'sha256-/);
  });

  it('shows the numbers of /summary', async () => {
    await open('/');
    const summary = await api<{ total: { byStatus: Record<string, number>; coveragePercent: number } }>(
      '/summary',
    );
    for (const status of RESOURCE_STATUSES) {
      await expect
        .poll(() => page.locator(`[data-status-count=${status}]`).textContent())
        .toBe(String(summary.total.byStatus[status]));
    }
    expect(await page.locator('#coverage').textContent()).toBe(
      `${summary.total.coveragePercent.toFixed(1)}%`,
    );
  });

  it('draws the chart of status counts per run', async () => {
    const runs = (await all<{ finishedAt?: string }>('/runs')).filter((run) => run.finishedAt);
    expect(runs.length).toBeGreaterThan(1);
    const bars = page.locator('#trend-chart svg rect.bar');
    expect(await bars.count()).toBeGreaterThanOrEqual(Math.min(runs.length, 60));
    const box = await page.locator('#trend-chart svg').boundingBox();
    expect(box?.height).toBeGreaterThan(50);
  });

  it('clicking a reason lists exactly the findings carrying it, and the filter is in the URL', async () => {
    const reasons = await api<{ items: { reason: string; resources: number }[] }>('/reasons');
    const top = reasons.items[0]!;
    await page.getByRole('button', { name: top.reason, exact: true }).click();
    await page.waitForURL(`**/?reason=${top.reason}`);
    const expected = (await all<{ arn: string }>(`/findings?reason=${top.reason}`)).map((f) => f.arn);
    expect(expected).toHaveLength(top.resources);
    expect((await tableArns()).sort()).toEqual(expected.sort());
    // The same URL opened afresh shows the same view (a view can be shared).
    await open(`/?reason=${top.reason}`);
    expect((await tableArns()).sort()).toEqual(expected.sort());
  });

  it('clicking a resource shows its transitions, backup times and the fix for its reasons', async () => {
    const failing = (
      await all<{ arn: string; accountId: string; region: string; reasons: string[] }>(
        '/findings?status=FAILING',
      )
    )[0]!;
    await open(`/?status=FAILING&account=${failing.accountId}`);
    await page.locator(`#findings-body tr[data-arn="${failing.arn}"] button`).click();
    await page.waitForSelector('#resource:not([hidden]) .transitions, #resource:not([hidden]) p');
    const history = await api<{ transitions: { from: string | null; to: string }[] }>(
      `/resource?account=${failing.accountId}&region=${failing.region}&arn=${encodeURIComponent(failing.arn)}`,
    );
    expect(history.transitions.length).toBeGreaterThan(0);
    expect(
      await page
        .locator('#resource [data-transition]')
        .evaluateAll((items) => items.map((i) => i.getAttribute('data-transition'))),
    ).toEqual(history.transitions.map((t) => `${t.from ?? 'NEW'}->${t.to}`));
    for (const reason of failing.reasons) {
      expect(await page.locator(`#resource [data-fix=${reason}]`).textContent()).toContain(
        REASON_FIXES[reason as keyof typeof REASON_FIXES],
      );
    }
    await expect.poll(() => page.locator('#resource').textContent()).toContain('Last backup');
    // Browser-side code as text: the tests are type-checked without the DOM library.
    expect(await page.evaluate('document.activeElement?.id')).toBe('resource-heading');
  });

  it('status filters work from the keyboard', async () => {
    await open('/');
    const card = page.locator('.status-card.s-FAILING');
    await card.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL('**/?status=FAILING');
    await page.waitForSelector('#findings-table[aria-busy=false]');
    const statuses = await page.locator('#findings-body .badge').allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses.map((s) => s.trim()))).toEqual(new Set(['! FAILING']));
  });

  it('is readable in dark mode: dark background, light text', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await open('/');
    const colours = await page.evaluate<{ background: string; text: string }>(
      '({ background: getComputedStyle(document.body).backgroundColor, text: getComputedStyle(document.body).color })',
    );
    const luminance = (rgb: string) => {
      const [r, g, b] = rgb
        .match(/\d+/g)!
        .map(Number)
        .map((c) => {
          const v = c / 255;
          return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const [dark, light] = [luminance(colours.background), luminance(colours.text)];
    expect(dark).toBeLessThan(0.05);
    expect((light + 0.05) / (dark + 0.05)).toBeGreaterThan(7);
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('pages the findings rather than downloading them: every findings request asks for one small page', () => {
    const findingRequests = seen.requests.filter((url) => new URL(url).pathname === '/findings');
    expect(findingRequests.length).toBeGreaterThan(0);
    for (const url of findingRequests)
      expect(Number(new URL(url).searchParams.get('limit'))).toBeLessThanOrEqual(50);
  });

  it('works through `orgbackup dashboard`: signed proxy, session cookie from the printed URL, filters kept', async () => {
    // The local server ignores signatures; signing is forced so the proxied path is the deployed one.
    const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example-secret' });
    const client = new ReportClient(new URL(server.url), { region: 'eu-west-1', credentials });
    const proxy = await startDashboardProxy({ client, port: 0, filters: { status: 'FAILING' } });
    const viaProxy = await browser.newPage();
    const proxied = watch(viaProxy);
    try {
      await viaProxy.goto(proxy.url);
      await viaProxy.waitForSelector('body[data-ready=true]');
      expect(new URL(viaProxy.url()).search).toBe('?status=FAILING');
      const summary = await api<{ total: { byStatus: Record<string, number> } }>('/summary');
      expect(await viaProxy.locator('[data-status-count=FAILING]').textContent()).toBe(
        String(summary.total.byStatus.FAILING),
      );
      expect(proxied.errors).toEqual([]);
      expect(proxied.requests.filter((url) => new URL(url).origin !== proxy.origin)).toEqual([]);
    } finally {
      await viaProxy.close();
      proxy.server.closeAllConnections();
      await new Promise((resolve) => proxy.server.close(resolve));
    }
  });

  it('logged no console error, and no request left 127.0.0.1', () => {
    expect(seen.errors).toEqual([]);
    expect(seen.requests.length).toBeGreaterThan(10);
    expect(seen.requests.filter((url) => new URL(url).host !== new URL(server.url).host)).toEqual([]);
  });
});
