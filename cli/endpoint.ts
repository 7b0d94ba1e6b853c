import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { apiGatewayRegion, isLoopback, type ReportClient, type Signing } from './report-client.js';

/** An http(s) URL, or undefined for anything else. */
export function parseEndpoint(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How to sign for an endpoint: SigV4 with the standard credential chain for a remote one (or when `sign`),
 * nothing for a local server. A string names what is missing to sign.
 */
export function signingFor(
  endpoint: URL,
  options: { readonly sign?: boolean | undefined; readonly apiRegion?: string | undefined },
): Signing | undefined | string {
  if (!options.sign && isLoopback(endpoint)) return undefined;
  const region = options.apiRegion ?? apiGatewayRegion(endpoint.hostname);
  if (!region) return `cannot tell the Region to sign for from ${endpoint.hostname}; give --api-region`;
  return { region, credentials: fromNodeProviderChain() };
}

/** Every item of a paged report route, following `nextCursor`. */
export async function readAllPages<T>(
  client: ReportClient,
  route: string,
  query: Readonly<Record<string, string | undefined>> = {},
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const reply = await client.get(
      route,
      { ...query, limit: '1000', ...(cursor ? { cursor } : {}) },
      'application/json',
    );
    const page = JSON.parse(reply.body) as { items: T[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
