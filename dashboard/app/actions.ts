// The controller's recent actions: those it took, and those held back (blast radius, lock) or failed.
import type { ActionRecord } from './api-types.js';
import { byId, h, when } from './dom.js';

const ACTION_ROWS = 15;

export function renderActions(actions: ActionRecord[]): void {
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
