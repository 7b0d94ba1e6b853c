import type { Rng } from './rng.js';

/**
 * Opaque, stateless page tokens. A token records the offset, the query it belongs to and when it was
 * issued, so a token from another query is rejected and an old one can expire.
 */
interface TokenBody {
  readonly offset: number;
  readonly query: string;
  readonly issuedAt: number;
  /** Set on the token after an injected empty page, so the next page is never empty again. */
  readonly afterEmpty?: boolean;
}

export class InvalidTokenError extends Error {
  constructor(readonly expired: boolean) {
    super(expired ? 'The pagination token has expired.' : 'The pagination token is invalid.');
  }
}

export interface PageOptions {
  readonly token: string | undefined;
  readonly pageSize: number;
  /** Identifies the query (filters) the token belongs to. */
  readonly query: string;
  readonly now: Date;
  /** Tokens older than this are rejected with InvalidTokenError(expired). */
  readonly tokenLifetimeMs?: number;
  /** With this probability a page comes back empty but with a token (Organizations does this). */
  readonly emptyPageRate?: number;
  readonly rng?: Rng;
}

export function paginate<T>(
  items: readonly T[],
  options: PageOptions,
): { items: T[]; nextToken: string | undefined } {
  const body = options.token
    ? decode(options.token)
    : { offset: 0, query: options.query, issuedAt: options.now.getTime() };
  if (body.query !== options.query) throw new InvalidTokenError(false);
  if (
    options.tokenLifetimeMs !== undefined &&
    options.now.getTime() - body.issuedAt > options.tokenLifetimeMs
  ) {
    throw new InvalidTokenError(true);
  }
  const more = (offset: number, afterEmpty?: boolean) =>
    encode({
      offset,
      query: options.query,
      issuedAt: options.now.getTime(),
      ...(afterEmpty ? { afterEmpty } : {}),
    });
  if (!body.afterEmpty && body.offset < items.length && options.rng?.chance(options.emptyPageRate ?? 0)) {
    return { items: [], nextToken: more(body.offset, true) };
  }
  const end = body.offset + options.pageSize;
  return { items: items.slice(body.offset, end), nextToken: end < items.length ? more(end) : undefined };
}

function encode(body: TokenBody): string {
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function decode(token: string): TokenBody {
  try {
    const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
    if (
      typeof body.offset === 'number' &&
      typeof body.query === 'string' &&
      typeof body.issuedAt === 'number'
    ) {
      return body as TokenBody;
    }
  } catch {
    // falls through: not one of ours
  }
  throw new InvalidTokenError(false);
}
