// The report API the page was served by, read with relative URLs a page at a time.
import type { Json } from './api-types.js';

/** The API's base: the page's own path, whether it was opened with a trailing slash or not. */
export function apiUrl(route: string, params: Record<string, string | undefined> = {}): string {
  const base = location.pathname.endsWith('/') ? location.pathname : `${location.pathname}/`;
  const url = new URL(`${base}${route}`, location.origin);
  for (const [name, value] of Object.entries(params)) if (value) url.searchParams.set(name, value);
  return url.pathname + url.search;
}

export async function api<T>(route: string, params: Record<string, string | undefined> = {}): Promise<T> {
  const response = await fetch(apiUrl(route, params), { headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => ({}))) as Json;
  if (!response.ok) {
    throw new Error(typeof body.error === 'string' ? body.error : `${route}: HTTP ${response.status}`);
  }
  return body as T;
}

/** Follows cursors, at most `maxPages` pages. */
export async function pages<T>(route: string, limit: number, maxPages: number): Promise<T[]> {
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
