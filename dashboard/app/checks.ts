// The checks grid: one row per account × Region, failing targets first.
import { CHECK_IDS } from '../../shared/domain/model.js';
import type { Target } from './api-types.js';
import { byId, h, STATUS_MARK } from './dom.js';
import { filterButton } from './url-state.js';

const CHECK_ROWS = 40;

export function renderChecks(targets: Target[], showAll: boolean): void {
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
