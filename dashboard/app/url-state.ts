// The view lives in the URL (filters, the open resource), so every view can be shared and the back button works.
import { h } from './dom.js';

/** The URL parameters that filter the findings table (shareable views). */
export const FILTERS = ['status', 'reason', 'account', 'region', 'resourceType'] as const;

/** Redraws what depends on the URL; the page's entry point sets it. */
let redraw: () => Promise<void> = async () => {};

export function onNavigate(listener: () => Promise<void>): void {
  redraw = listener;
}

export function currentFilters(): Record<string, string | undefined> {
  const params = new URLSearchParams(location.search);
  return Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? undefined]));
}

/** Changes the URL (so the view can be shared) and redraws what depends on it. */
export function navigate(change: Record<string, string | undefined>): void {
  const params = new URLSearchParams(location.search);
  for (const [name, value] of Object.entries(change)) {
    if (value) params.set(name, value);
    else params.delete(name);
  }
  const search = params.toString();
  history.pushState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
  void redraw();
}

export function filterButton(
  label: string,
  change: Record<string, string | undefined>,
  extra = '',
): HTMLElement {
  const button = h('button', { type: 'button', class: extra || 'link' }, label);
  button.addEventListener('click', () => navigate({ ...change, resource: undefined }));
  return button;
}
