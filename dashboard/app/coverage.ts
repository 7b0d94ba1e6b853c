// Coverage: now (status cards), over the last runs (chart), and broken down by OU, account and Region.

import { RESOURCE_STATUSES } from '../../shared/domain/model.js';
import type { Counts, Directory, Run, Summary, Target } from './api-types.js';
import { byId, h, percent, STATUS_MARK, svg, when } from './dom.js';
import { filterButton } from './url-state.js';

export function renderNow(summary: Summary): void {
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

export function renderTrend(runs: Run[]): void {
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

export function renderBreakdown(
  summary: Summary,
  targets: Target[],
  directory: Map<string, Directory>,
): void {
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
