export interface Page<T> {
  readonly items: readonly T[] | undefined;
  readonly nextToken: string | undefined;
}

/**
 * Collects every page of a token-paged list call. Each page gets a fresh input object (the SDK paginators
 * mutate one shared input, toolchain G4), an empty page with a token keeps going (Organizations, facts §1.11),
 * and `""` ends the listing as `undefined` does (Tagging's last page, facts §3.1).
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
