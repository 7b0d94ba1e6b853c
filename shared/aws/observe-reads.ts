import { atCallSite, classifyAwsError, isAccountUnreachable } from './errors.js';
import { collectPages, type Page } from './paginate.js';

/** The account × Region every read of one target is attributed to, so a failure names its call site. */
export interface TargetRef {
  readonly accountId: string;
  readonly region: string;
}

export type Call = <T>(operation: string, send: () => Promise<T>) => Promise<T>;

export function callSite(accountId: string, region: string): Call {
  return (operation, send) => atCallSite({ operation, accountId, region }, send);
}

/**
 * Every page of one list call, each page sent through the call site (which classifies its errors). The one
 * paging loop all observers share: `send` gets the page token, `page` says where items and the next token are.
 */
export function listAll<Response, T>(
  call: Call,
  operation: string,
  send: (token: string | undefined) => Promise<Response>,
  page: (response: Response) => Page<T>,
): Promise<T[]> {
  return collectPages((token) => call(operation, () => send(token)).then(page));
}

/** Not-found answers are facts ("there is no vault"), not failures. */
export async function unlessNotFound<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (classifyAwsError(error).category === 'not-found') return null;
    throw error;
  }
}

/** Like unlessNotFound, but a read the account may not make or that names nothing valid is also "no answer". */
export async function unlessUnreadable<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    const { category } = classifyAwsError(error);
    if (category === 'access-denied' || category === 'not-found' || category === 'invalid') return null;
    throw error;
  }
}

/**
 * Like Promise.all, but waits for every read and, if several failed, rethrows the one that says the account
 * is unreachable: with concurrent reads the first rejection is otherwise a matter of timing.
 */
export async function allOrMostTellingFailure<T extends readonly unknown[] | []>(
  reads: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(reads);
  const failures = settled.flatMap((result) =>
    result.status === 'rejected' ? [result.reason as unknown] : [],
  );
  if (failures.length > 0) throw failures.find(isAccountUnreachable) ?? failures[0];
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}
