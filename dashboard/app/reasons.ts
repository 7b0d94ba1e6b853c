// The reasons ranked by how many resources each one blocks.
import { byId, h } from './dom.js';
import { filterButton } from './url-state.js';

export function renderReasons(reasons: { reason: string; resources: number }[]): void {
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
