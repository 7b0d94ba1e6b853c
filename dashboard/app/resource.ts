// One resource: its finding, the fix for each reason, and its transitions.
import { REASON_FIXES, WARNING_FIXES } from '../../shared/domain/reason-fixes.js';
import { api } from './api.js';
import type { Finding, Transition } from './api-types.js';
import { badge, byId, type Child, h, when } from './dom.js';
import { navigate } from './url-state.js';

export async function renderResource(reference: string | null): Promise<void> {
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
