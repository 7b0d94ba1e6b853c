// The dashboard's browser code, bundled and inlined into the page by dashboard/build.ts. It reads only the
// report API it was served by (relative URLs), a page at a time, and writes every text with textContent:
// account names, ARNs and details come from member accounts and are hostile input.
import { CHECK_IDS, REASON_CODES, RESOURCE_STATUSES, type ResourceStatus } from '../shared/domain/model.js';
import { REASON_FIXES, WARNING_FIXES } from '../shared/domain/reason-fixes.js';

type Json = Record<string, unknown>;
interface Finding {
  accountId: string;
  region: string;
  arn: string;
  resourceType: string | null;
  status: ResourceStatus;
  reasons: string[];
  detail: string;
  warnings: string[];
  warningDetail?: string;
  lastBackupTime: string | null;
  lastCopyTime: string | null;
  expectedBy: string | null;
  since: string;
}
interface Counts {
  resources: number;
  byStatus: Record<ResourceStatus, number>;
}
interface Target extends Counts {
  accountId: string;
  region: string;
  checks: { check: string; status: string; reason?: string; detail: string }[];
}
interface Run {
  runId: string;
  startedAt: string;
  finishedAt?: string;
  counts: Record<ResourceStatus, number>;
}
interface ActionRecord {
  kind: string;
  accountId: string;
  region: string;
  target: string;
  reason: string;
  applied: boolean;
  blocked?: { by: string; message: string };
  error?: { code: string; message: string };
  at: string;
}
interface Transition {
  from: string | null;
  to: string;
  at: string;
  reasons: string[];
  detail: string;
}

/** The URL parameters that filter the findings table (shareable views). */
const FILTERS = ['status', 'reason', 'account', 'region', 'resourceType'] as const;
const PAGE_SIZE = 50;
const CHART_RUNS = 60;
const CHECK_ROWS = 40;
const ACTION_ROWS = 15;
const STATUS_MARK: Record<string, string> = {
  PROTECTED: '✓',
  PENDING: '…',
  UNPROTECTED: '✗',
  STALE: '~',
  FAILING: '!',
  UNKNOWN: '?',
  PASS: '✓',
  FAIL: '✗',
  WARN: '!',
  SKIPPED: '–',
};

// ---------------------------------------------------------------------------------------------------------
// DOM and API helpers
// ---------------------------------------------------------------------------------------------------------

type Child = Node | string | number | null | undefined | false;

function h(tag: string, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs))
    if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}

/** SVG elements in the namespace of the page's own <svg> (so the page names no URL, not even that one). */
function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const element = document.createElementNS(byId('svg-namespace').namespaceURI, tag) as SVGElement;
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  return element;
}

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no #${id}`);
  return element;
}

/** The API's base: the page's own path, whether it was opened with a trailing slash or not. */
function apiUrl(route: string, params: Record<string, string | undefined> = {}): string {
  const base = location.pathname.endsWith('/') ? location.pathname : `${location.pathname}/`;
  const url = new URL(`${base}${route}`, location.origin);
  for (const [name, value] of Object.entries(params)) if (value) url.searchParams.set(name, value);
  return url.pathname + url.search;
}

async function api<T>(route: string, params: Record<string, string | undefined> = {}): Promise<T> {
  const response = await fetch(apiUrl(route, params), { headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => ({}))) as Json;
  if (!response.ok) {
    throw new Error(typeof body.error === 'string' ? body.error : `${route}: HTTP ${response.status}`);
  }
  return body as T;
}

/** Follows cursors, at most `maxPages` pages. */
async function pages<T>(route: string, limit: number, maxPages: number): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const reply = await api<{ items: T[]; nextCursor: string | null }>(route, {
      limit: String(limit),
      cursor,
    });
    items.push(...reply.items);
    if (!reply.nextCursor) break;
    cursor = reply.nextCursor;
  }
  return items;
}

function percent(counts: Counts): string {
  return counts.resources === 0
    ? '100.0%'
    : `${(Math.round((counts.byStatus.PROTECTED / counts.resources) * 1000) / 10).toFixed(1)}%`;
}

function badge(status: string): HTMLElement {
  return h('span', { class: `badge s-${status}` }, `${STATUS_MARK[status] ?? ''} ${status}`);
}

function when(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : 'never';
}

function showError(error: unknown): void {
  const box = byId('error');
  box.hidden = false;
  box.textContent = `Could not load the report: ${error instanceof Error ? error.message : String(error)}`;
}

// ---------------------------------------------------------------------------------------------------------
// URL state
// ---------------------------------------------------------------------------------------------------------

function currentFilters(): Record<string, string | undefined> {
  const params = new URLSearchParams(location.search);
  return Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? undefined]));
}

/** Changes the URL (so the view can be shared) and redraws what depends on it. */
function navigate(change: Record<string, string | undefined>): void {
  const params = new URLSearchParams(location.search);
  for (const [name, value] of Object.entries(change)) {
    if (value) params.set(name, value);
    else params.delete(name);
  }
  const search = params.toString();
  history.pushState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
  void renderFromUrl();
}

function filterButton(label: string, change: Record<string, string | undefined>, extra = ''): HTMLElement {
  const button = h('button', { type: 'button', class: extra || 'link' }, label);
  button.addEventListener('click', () => navigate({ ...change, resource: undefined }));
  return button;
}

// ---------------------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------------------

interface Summary {
  total: Counts & { accounts: number; coveragePercent: number };
  accounts: (Counts & { accountId: string })[];
  lastRun: Run | null;
}

function renderNow(summary: Summary): void {
  const total = summary.total;
  byId('coverage').textContent = `${total.coveragePercent.toFixed(1)}%`;
  byId('coverage-detail').textContent =
    `${total.byStatus.PROTECTED} of ${total.resources} tagged resources protected in ${total.accounts} accounts` +
    (summary.lastRun ? `; last run ${when(summary.lastRun.finishedAt ?? summary.lastRun.startedAt)}` : '');
  const list = byId('status-counts');
  list.replaceChildren(
    ...RESOURCE_STATUSES.map((status) => {
      const button = filterButton('', { status }, `status-card s-${status}`);
      button.replaceChildren(
        h('span', { class: 'count', 'data-status-count': status }, total.byStatus[status]),
        h('span', {}, `${STATUS_MARK[status]} ${status}`),
      );
      button.setAttribute('aria-label', `${total.byStatus[status]} ${status}: show these findings`);
      return h('li', {}, button);
    }),
  );
}

function renderTrend(runs: Run[]): void {
  const finished = runs.filter((run) => run.finishedAt).reverse();
  const figure = byId('trend-chart');
  if (finished.length === 0) {
    figure.replaceChildren(h('p', {}, 'No finished runs yet.'));
    return;
  }
  const width = 720;
  const height = 200;
  const max = Math.max(1, ...finished.map((run) => RESOURCE_STATUSES.reduce((s, k) => s + run.counts[k], 0)));
  const barWidth = width / finished.length;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height + 20}`,
    role: 'img',
    class: 'chart',
    'aria-label': `Findings by status over the last ${finished.length} runs; coverage went from ${coverageOf(finished[0]!)} to ${coverageOf(finished.at(-1)!)}`,
  });
  finished.forEach((run, index) => {
    let y = height;
    for (const status of RESOURCE_STATUSES) {
      const count = run.counts[status];
      if (count === 0) continue;
      const barHeight = (count / max) * height;
      y -= barHeight;
      const bar = svg('rect', {
        x: index * barWidth + 1,
        y,
        width: Math.max(1, barWidth - 2),
        height: barHeight,
        class: `bar s-${status}`,
      });
      const title = svg('title', {});
      title.textContent = `${when(run.finishedAt)}: ${count} ${status}`;
      bar.append(title);
      chart.append(bar);
    }
  });
  const first = svg('text', { x: 0, y: height + 16, class: 'axis' });
  first.textContent = when(finished[0]!.finishedAt).slice(0, 16);
  const last = svg('text', { x: width, y: height + 16, class: 'axis', 'text-anchor': 'end' });
  last.textContent = when(finished.at(-1)!.finishedAt).slice(0, 16);
  chart.append(first, last);
  const legend = h(
    'ul',
    { class: 'legend' },
    ...RESOURCE_STATUSES.map((status) => h('li', {}, h('span', { class: `swatch s-${status}` }), status)),
  );
  figure.replaceChildren(chart, legend);
}

function coverageOf(run: Run): string {
  const resources = RESOURCE_STATUSES.reduce((sum, status) => sum + run.counts[status], 0);
  return percent({ resources, byStatus: run.counts });
}

function countsTable(
  caption: string,
  keyHeading: string,
  rows: { key: string; counts: Counts; filter?: Record<string, string> }[],
): HTMLElement {
  const sorted = [...rows].sort(
    (a, b) =>
      a.counts.byStatus.PROTECTED / (a.counts.resources || 1) -
        b.counts.byStatus.PROTECTED / (b.counts.resources || 1) || a.key.localeCompare(b.key),
  );
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, keyHeading),
        h('th', { scope: 'col', class: 'num' }, 'Resources'),
        h('th', { scope: 'col', class: 'num' }, 'Coverage'),
        h('th', { scope: 'col', class: 'num' }, 'Not protected'),
      ),
    ),
    h(
      'tbody',
      {},
      ...sorted.map((row) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, row.filter ? filterButton(row.key, row.filter) : row.key),
          h('td', { class: 'num' }, row.counts.resources),
          h('td', { class: 'num' }, percent(row.counts)),
          h('td', { class: 'num' }, row.counts.resources - row.counts.byStatus.PROTECTED),
        ),
      ),
    ),
  );
}

function addCounts(into: Counts, from: Counts): void {
  into.resources += from.resources;
  for (const status of RESOURCE_STATUSES) into.byStatus[status] += from.byStatus[status] ?? 0;
}

function zero(): Counts {
  return {
    resources: 0,
    byStatus: Object.fromEntries(RESOURCE_STATUSES.map((s) => [s, 0])) as Counts['byStatus'],
  };
}

function renderBreakdown(summary: Summary, targets: Target[], directory: Map<string, Directory>): void {
  const byRegion = new Map<string, Counts>();
  const byOu = new Map<string, Counts>();
  for (const target of targets) {
    const counts = byRegion.get(target.region) ?? zero();
    addCounts(counts, target);
    byRegion.set(target.region, counts);
  }
  for (const account of summary.accounts) {
    const ou = directory.get(account.accountId)?.ouPath ?? '(unknown OU)';
    const counts = byOu.get(ou) ?? zero();
    addCounts(counts, account);
    byOu.set(ou, counts);
  }
  byId('by-ou').replaceChildren(
    countsTable(
      'By organizational unit',
      'OU',
      [...byOu].map(([key, counts]) => ({ key, counts })),
    ),
  );
  byId('by-account').replaceChildren(
    countsTable(
      'By account',
      'Account',
      summary.accounts.map((account) => {
        const name = directory.get(account.accountId)?.name;
        return {
          key: name ? `${account.accountId} (${name})` : account.accountId,
          counts: account,
          filter: { account: account.accountId },
        };
      }),
    ),
  );
  byId('by-region').replaceChildren(
    countsTable(
      'By Region',
      'Region',
      [...byRegion].map(([key, counts]) => ({ key, counts, filter: { region: key } })),
    ),
  );
}

function renderReasons(reasons: { reason: string; resources: number }[]): void {
  const list = byId('reasons-list');
  if (reasons.length === 0) {
    list.replaceChildren(h('li', {}, 'No resource is blocked by anything.'));
    return;
  }
  const max = reasons[0]!.resources;
  list.replaceChildren(
    ...reasons.map((entry) =>
      h(
        'li',
        {},
        filterButton(entry.reason, { reason: entry.reason, status: undefined }),
        h(
          'meter',
          { min: '0', max: String(max), value: String(entry.resources), 'aria-hidden': 'true' },
          entry.resources,
        ),
        h('span', { class: 'num', 'data-reason-count': entry.reason }, `${entry.resources} resources`),
      ),
    ),
  );
}

function renderActions(actions: ActionRecord[]): void {
  const row = (action: ActionRecord) =>
    h(
      'tr',
      {},
      h('td', {}, when(action.at)),
      h('td', {}, action.kind),
      h('td', {}, `${action.accountId} ${action.region}`),
      h('td', { class: 'wrap' }, action.target),
      h(
        'td',
        { class: 'wrap' },
        action.blocked
          ? `${action.blocked.by}: ${action.blocked.message}`
          : action.error
            ? `failed: ${action.error.message}`
            : action.reason,
      ),
    );
  const table = (caption: string, rows: ActionRecord[]) =>
    rows.length === 0
      ? h('p', {}, `${caption}: none recently.`)
      : h(
          'table',
          {},
          h(
            'caption',
            {},
            rows.length > ACTION_ROWS ? `${caption} (latest ${ACTION_ROWS} of ${rows.length})` : caption,
          ),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['When', 'Action', 'Where', 'Target', 'Why'].map((name) => h('th', { scope: 'col' }, name)),
            ),
          ),
          h('tbody', {}, ...rows.slice(0, ACTION_ROWS).map(row)),
        );
  byId('actions-taken').replaceChildren(
    table(
      'Actions taken',
      actions.filter((a) => a.applied),
    ),
  );
  byId('actions-blocked').replaceChildren(
    table(
      'Blocked or failed (blast radius, irreversible lock, errors)',
      actions.filter((a) => !a.applied && (a.blocked || a.error)),
    ),
  );
}

function renderChecks(targets: Target[], showAll: boolean): void {
  const failing = (target: Target) => target.checks.filter((c) => c.status === 'FAIL' || c.status === 'WARN');
  const ordered = [...targets].sort(
    (a, b) =>
      failing(b).length - failing(a).length ||
      a.accountId.localeCompare(b.accountId) ||
      a.region.localeCompare(b.region),
  );
  const shown = showAll ? ordered : ordered.slice(0, CHECK_ROWS);
  const cell = (target: Target, id: string) => {
    const check = target.checks.find((c) => c.check === id);
    if (!check) return h('td', {}, '');
    return h(
      'td',
      { class: `cell s-${check.status}`, title: check.detail },
      `${STATUS_MARK[check.status] ?? ''} ${check.status}`,
      check.reason ? h('span', { class: 'sr-only' }, ` ${check.reason}`) : null,
    );
  };
  const table = h(
    'table',
    { class: 'checks' },
    h('caption', {}, `Checks per account × Region (${targets.length} targets, failing first)`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Account × Region'),
        ...CHECK_IDS.map((id) => h('th', { scope: 'col' }, id.replaceAll('_', ' '))),
      ),
    ),
    h(
      'tbody',
      {},
      ...shown.map((target) =>
        h(
          'tr',
          {},
          h(
            'th',
            { scope: 'row' },
            filterButton(`${target.accountId} ${target.region}`, {
              account: target.accountId,
              region: target.region,
            }),
          ),
          ...CHECK_IDS.map((id) => cell(target, id)),
        ),
      ),
    ),
  );
  const more =
    !showAll && ordered.length > CHECK_ROWS
      ? h('button', { type: 'button' }, `Show all ${ordered.length}`)
      : null;
  more?.addEventListener('click', () => renderChecks(targets, true));
  byId('checks-grid').replaceChildren(table, ...(more ? [more] : []));
}

// ---------------------------------------------------------------------------------------------------------
// Findings table and resource view
// ---------------------------------------------------------------------------------------------------------

/** Cursors of the pages before the current one, for "Previous". */
let cursorStack: (string | undefined)[] = [];
let currentCursor: string | undefined;

function renderFilterForm(filters: Record<string, string | undefined>): void {
  const form = byId('filters') as HTMLFormElement;
  const select = (name: string, options: readonly string[]) =>
    h(
      'select',
      { id: `filter-${name}`, name },
      h('option', { value: '' }, 'any'),
      ...options.map((value) =>
        h('option', { value, ...(filters[name] === value ? { selected: '' } : {}) }, value),
      ),
    );
  const input = (name: string, placeholder: string) =>
    h('input', { id: `filter-${name}`, name, value: filters[name] ?? '', placeholder, autocomplete: 'off' });
  const field = (name: string, label: string, control: HTMLElement) =>
    h('div', { class: 'field' }, h('label', { for: `filter-${name}` }, label), control);
  form.replaceChildren(
    field('status', 'Status', select('status', RESOURCE_STATUSES)),
    field('reason', 'Reason', select('reason', REASON_CODES)),
    field('account', 'Account', input('account', '12 digits')),
    field('region', 'Region', input('region', 'eu-west-1')),
    field('resourceType', 'Type', input('resourceType', 'EBS')),
    h('button', { type: 'submit' }, 'Apply'),
    h('button', { type: 'reset' }, 'Clear'),
  );
}

async function renderFindings(filters: Record<string, string | undefined>): Promise<void> {
  const region = byId('findings-table');
  region.setAttribute('aria-busy', 'true');
  const page = await api<{ items: Finding[]; nextCursor: string | null }>('findings', {
    ...filters,
    limit: String(PAGE_SIZE),
    cursor: currentCursor,
  });
  const active = FILTERS.filter((name) => filters[name]).map((name) => `${name}=${filters[name]}`);
  byId('findings-caption').textContent =
    `${page.items.length} findings on this page${active.length ? ` (${active.join(', ')})` : ''}`;
  const rows = page.items.map((finding) => {
    const open = h('button', { type: 'button', class: 'link wrap' }, finding.arn);
    open.addEventListener('click', () =>
      navigate({ resource: `${finding.accountId}/${finding.region}/${finding.arn}` }),
    );
    return h(
      'tr',
      { 'data-arn': finding.arn },
      h('td', {}, badge(finding.status)),
      h('td', {}, open),
      h('td', {}, `${finding.accountId} ${finding.region}`),
      h('td', {}, finding.resourceType ?? '–'),
      h('td', { class: 'reasons' }, finding.reasons.join(' ') || '–'),
      h('td', { class: 'reasons' }, finding.warnings.join(' ') || '–'),
      h('td', {}, when(finding.lastBackupTime)),
    );
  });
  byId('findings-body').replaceChildren(
    ...(rows.length > 0
      ? rows
      : [h('tr', {}, h('td', { colspan: '7' }, 'No findings match these filters.'))]),
  );
  const previous = byId('page-previous') as HTMLButtonElement;
  const next = byId('page-next') as HTMLButtonElement;
  previous.disabled = cursorStack.length === 0;
  next.disabled = !page.nextCursor;
  next.onclick = () => {
    cursorStack.push(currentCursor);
    currentCursor = page.nextCursor ?? undefined;
    void renderFindings(filters).catch(showError);
  };
  previous.onclick = () => {
    currentCursor = cursorStack.pop();
    void renderFindings(filters).catch(showError);
  };
  region.setAttribute('aria-busy', 'false');
}

async function renderResource(reference: string | null): Promise<void> {
  const panel = byId('resource');
  if (!reference) {
    panel.hidden = true;
    return;
  }
  const [account, region, ...rest] = reference.split('/');
  const arn = rest.join('/');
  const view = await api<{ finding: Finding | null; transitions: Transition[] }>('resource', {
    account,
    region,
    arn,
  });
  const finding = view.finding;
  const close = h('button', { type: 'button' }, 'Close');
  close.addEventListener('click', () => navigate({ resource: undefined }));
  const facts: [string, Child][] = finding
    ? [
        ['Status', badge(finding.status)],
        ['Account and Region', `${finding.accountId} ${finding.region}`],
        ['Type', finding.resourceType ?? 'unknown'],
        ['Why', finding.detail],
        ...(finding.warningDetail ? [['Warnings', finding.warningDetail] as [string, Child]] : []),
        ['Last backup', when(finding.lastBackupTime)],
        ['Last copy in the central vault', when(finding.lastCopyTime)],
        ['Expected by', when(finding.expectedBy)],
        ['Status since', when(finding.since)],
      ]
    : [['Status', 'No longer reported (untagged or deleted).']];
  const fix = (code: string, sentence: string | undefined) =>
    h('li', { 'data-fix': code }, h('code', {}, code), ' ', sentence ?? 'No fix known to this version.');
  const fixes = [
    ...(finding?.reasons ?? []).map((reason) =>
      fix(reason, REASON_FIXES[reason as keyof typeof REASON_FIXES]),
    ),
    ...(finding?.warnings ?? [])
      .filter((warning) => !finding?.reasons.includes(warning))
      .map((warning) => fix(warning, WARNING_FIXES[warning as keyof typeof WARNING_FIXES])),
  ];
  panel.replaceChildren(
    h('h2', { id: 'resource-heading', tabindex: '-1' }, 'Resource ', h('span', { class: 'wrap' }, arn)),
    close,
    h('dl', {}, ...facts.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
    ...(fixes.length > 0 ? [h('h3', {}, 'How to fix'), h('ul', { class: 'fixes' }, ...fixes)] : []),
    h('h3', {}, 'Transitions'),
    view.transitions.length === 0
      ? h('p', {}, 'No transitions kept.')
      : h(
          'ol',
          { class: 'transitions' },
          ...view.transitions.map((t) =>
            h(
              'li',
              { 'data-transition': `${t.from ?? 'NEW'}->${t.to}` },
              h('time', { datetime: t.at }, when(t.at)),
              ` ${t.from ?? 'first seen'} → ${t.to}`,
              t.reasons.length > 0 ? ` (${t.reasons.join(', ')})` : '',
              h('br'),
              h('span', { class: 'detail' }, t.detail),
            ),
          ),
        ),
  );
  panel.hidden = false;
  byId('resource-heading').focus();
}

// ---------------------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------------------

interface Directory {
  accountId: string;
  name: string;
  ouPath: string;
}

async function renderFromUrl(): Promise<void> {
  const filters = currentFilters();
  cursorStack = [];
  currentCursor = undefined;
  renderFilterForm(filters);
  document.querySelectorAll<HTMLButtonElement>('.status-card').forEach((button) => {
    button.setAttribute('aria-pressed', String(button.classList.contains(`s-${filters.status}`)));
  });
  await Promise.all([
    renderFindings(filters),
    renderResource(new URLSearchParams(location.search).get('resource')),
  ]).catch(showError);
}

async function start(): Promise<void> {
  byId('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    navigate(Object.fromEntries(FILTERS.map((name) => [name, String(data.get(name) ?? '').trim()])));
  });
  byId('filters').addEventListener('reset', (event) => {
    event.preventDefault();
    navigate(Object.fromEntries(FILTERS.map((name) => [name, undefined])));
  });
  window.addEventListener('popstate', () => void renderFromUrl());
  const [summary, runs, targets, reasons, actions, directory] = await Promise.all([
    api<Summary>('summary'),
    pages<Run>('runs', 100, Math.ceil(CHART_RUNS / 100) + 1),
    pages<Target>('targets', 1000, 20),
    api<{ items: { reason: string; resources: number }[] }>('reasons'),
    api<{ items: ActionRecord[] }>('actions', { limit: '200' }),
    pages<Directory>('organization', 1000, 20),
  ]);
  renderNow(summary);
  renderTrend(runs.slice(0, CHART_RUNS));
  renderBreakdown(summary, targets, new Map(directory.map((entry) => [entry.accountId, entry])));
  renderReasons(reasons.items);
  renderActions(actions.items);
  renderChecks(targets, false);
  await renderFromUrl();
  document.body.dataset.ready = 'true';
}

start().catch(showError);
