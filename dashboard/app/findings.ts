// The findings table: the filter form and one page of findings at a time, with Previous / Next.
import { REASON_CODES, RESOURCE_STATUSES } from '../../shared/domain/model.js';
import { api } from './api.js';
import type { Finding } from './api-types.js';
import { badge, byId, h, showError, when } from './dom.js';
import { FILTERS, navigate } from './url-state.js';

const PAGE_SIZE = 50;

/** Cursors of the pages before the current one, for "Previous". */
let cursorStack: (string | undefined)[] = [];
let currentCursor: string | undefined;

/** A new view starts at the first page. */
export function resetPaging(): void {
  cursorStack = [];
  currentCursor = undefined;
}

export function renderFilterForm(filters: Record<string, string | undefined>): void {
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

export async function renderFindings(filters: Record<string, string | undefined>): Promise<void> {
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
