export interface Page<T> {
  readonly items: readonly T[] | undefined;
  readonly nextToken: string | undefined;
}

/**
 * Collects every page of a token-paged list call. Each page gets a fresh input object (the SDK paginators
 * mutate one shared input: docs/aws-behaviour.md#sdk-paginator-shared-input), an empty page with a token keeps
 * going (docs/aws-behaviour.md#organizations-list-paging), and `""` ends the listing as `undefined` does
 * (Tagging's last page: docs/aws-behaviour.md#tagging-getresources-paging).
 */
export async function collectPages<T>(
  fetchPage: (token: string | undefined) => Promise<Page<T>>,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    all.push(...(page.items ?? []));
    token = page.nextToken || undefined;
  } while (token !== undefined);
  return all;
}
