// DOM helpers and the small formatters every panel shares. Every text goes in with textContent or append:
// account names, ARNs and details come from member accounts and are hostile input.
import type { Counts } from './api-types.js';

export const STATUS_MARK: Record<string, string> = {
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

export type Child = Node | string | number | null | undefined | false;

export function h(
  tag: string,
  attrs: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElement {
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
export function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const element = document.createElementNS(byId('svg-namespace').namespaceURI, tag) as SVGElement;
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  return element;
}

export function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no #${id}`);
  return element;
}

export function percent(counts: Counts): string {
  return counts.resources === 0
    ? '100.0%'
    : `${(Math.round((counts.byStatus.PROTECTED / counts.resources) * 1000) / 10).toFixed(1)}%`;
}

export function badge(status: string): HTMLElement {
  return h('span', { class: `badge s-${status}` }, `${STATUS_MARK[status] ?? ''} ${status}`);
}

export function when(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : 'never';
}

export function showError(error: unknown): void {
  const box = byId('error');
  box.hidden = false;
  box.textContent = `Could not load the report: ${error instanceof Error ? error.message : String(error)}`;
}
