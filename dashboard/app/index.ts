// The dashboard's browser code, bundled and inlined into the page by dashboard/build.ts. It reads only the
// report API it was served by (relative URLs), a page at a time, and writes every text with textContent:
// account names, ARNs and details come from member accounts and are hostile input.
import { renderActions } from './actions.js';
import { api, pages } from './api.js';
import type { ActionRecord, Directory, Run, Summary, Target } from './api-types.js';
import { renderChecks } from './checks.js';
import { renderBreakdown, renderNow, renderTrend } from './coverage.js';
import { byId, showError } from './dom.js';
import { renderFilterForm, renderFindings, resetPaging } from './findings.js';
import { renderReasons } from './reasons.js';
import { renderResource } from './resource.js';
import { currentFilters, FILTERS, navigate, onNavigate } from './url-state.js';

const CHART_RUNS = 60;

async function renderFromUrl(): Promise<void> {
  const filters = currentFilters();
  resetPaging();
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
  onNavigate(renderFromUrl);
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
