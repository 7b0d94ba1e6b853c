import type { Call } from '../call.js';
import { fail } from '../call.js';
import { InvalidTokenError, paginate } from '../paging.js';
import { parseArn } from '../resource-types.js';
import type { SimResource } from '../state.js';

/** The caller's live resources of one Tagging type (`ec2:volume`, `rds:cluster`, `s3`…) in the called Region. */
export function resourcesHere(call: Call, taggingType: string): SimResource[] {
  return [...call.state.resources.in(call.caller.accountId, call.region)]
    .filter((resource) => !resource.deleted && parseArn(resource.arn)?.taggingType === taggingType)
    .sort((a, b) => a.arn.localeCompare(b.arn));
}

/** The resource part of an ARN: `vol-…` from `…:volume/vol-…`, `db-1` from `…:db:db-1`. */
export const resourceId = (arn: string) => arn.split(':').slice(5).join(':').split(/[/:]/).pop() ?? '';

export interface PageRequest {
  readonly token: string | undefined;
  readonly size: number | undefined;
  /** The service's own page-size limits and its name for an invalid parameter. */
  readonly min: number;
  readonly max: number;
  readonly invalidParameter: string;
}

/** One page of a list call with the service's own limits; a foreign or malformed token is the service's error. */
export function pageOf<T>(call: Call, items: readonly T[], request: PageRequest, query: string) {
  const { size, min, max, invalidParameter } = request;
  if (size !== undefined && (size < min || size > max)) {
    fail(call, invalidParameter, `The page size must be between ${min} and ${max}.`);
  }
  try {
    return paginate(items, { token: request.token, pageSize: size ?? max, query, now: call.state.now });
  } catch (error) {
    if (error instanceof InvalidTokenError) fail(call, invalidParameter, error.message);
    throw error;
  }
}
