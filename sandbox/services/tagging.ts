import type {
  GetResourcesCommandInput,
  GetResourcesCommandOutput,
  GetTagKeysCommandInput,
  GetTagKeysCommandOutput,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { type Call, fail, type ServiceHandlers } from '../call.js';
import { InvalidTokenError, paginate } from '../paging.js';
import { matchesTypeFilter, parseArn } from '../resource-types.js';
import type { SimResource } from '../state.js';

/**
 * Resource Groups Tagging API GetResources (docs/aws-behaviour.md#tagging-getresources-coverage): per account and Region, untagged resources never
 * returned (but once-tagged ones come back with `Tags: []`), S3 buckets only in their home Region, pages of
 * at most 100, tokens that expire after 15 minutes and `PaginationToken: ""` on the last page.
 */

const DEFAULT_PAGE = 50;
const MAX_PAGE = 100;
const MAX_TAG_KEYS_PAGE = 500;
const TOKEN_LIFETIME_MS = 15 * 60_000;

function matchesTagFilters(resource: SimResource, filters: GetResourcesCommandInput['TagFilters']): boolean {
  return (filters ?? []).every((filter) => {
    const value = filter.Key === undefined ? undefined : resource.tags[filter.Key];
    if (value === undefined) return false;
    return !filter.Values || filter.Values.length === 0 || filter.Values.includes(value);
  });
}

/**
 * How long a deleted resource is still returned. AWS says only that deleted ("previously tagged") resources
 * can come back for a while; the six hours are invented.
 */
export const DELETED_RESOURCE_VISIBLE_MS = 6 * 3_600_000;

/**
 * Resources GetResources and GetTagKeys see for the caller: its account and Region, tagged at least once,
 * and not deleted longer than DELETED_RESOURCE_VISIBLE_MS ago.
 */
function visibleResources(call: Call): SimResource[] {
  const now = call.state.now.getTime();
  return [...call.state.resources.in(call.caller.accountId, call.region)].filter(
    (resource) =>
      (!resource.deleted ||
        (resource.deletedAt !== undefined &&
          now - resource.deletedAt.getTime() < DELETED_RESOURCE_VISIBLE_MS)) &&
      resource.everTagged,
  );
}

/** Pages through `items` like the Tagging API: `""` on the last page, tokens that expire after 15 minutes. */
function taggingPage<T>(
  call: Call,
  token: string | undefined,
  items: readonly T[],
  pageSize: number,
  query: string,
) {
  try {
    const result = paginate(items, {
      token: token || undefined,
      pageSize,
      query,
      now: call.state.now,
      tokenLifetimeMs: TOKEN_LIFETIME_MS,
    });
    return { items: result.items, nextToken: result.nextToken ?? '' };
  } catch (error) {
    if (error instanceof InvalidTokenError) {
      fail(
        call,
        error.expired ? 'PaginationTokenExpiredException' : 'InvalidParameterException',
        error.message,
      );
    }
    throw error;
  }
}

/** The distinct tag keys in use in the caller's account and Region (GetTagKeys pages up to 500 keys). */
function getTagKeys(call: Call, input: GetTagKeysCommandInput): Omit<GetTagKeysCommandOutput, '$metadata'> {
  const keys = [...new Set(visibleResources(call).flatMap((resource) => Object.keys(resource.tags)))].sort();
  const page = taggingPage(call, input.PaginationToken, keys, MAX_TAG_KEYS_PAGE, 'GetTagKeys');
  return { TagKeys: page.items, PaginationToken: page.nextToken };
}

function getResources(
  call: Call,
  input: GetResourcesCommandInput,
): Omit<GetResourcesCommandOutput, '$metadata'> {
  const hasFilters = (input.TagFilters?.length ?? 0) > 0 || (input.ResourceTypeFilters?.length ?? 0) > 0;
  const listed = input.ResourceARNList;
  if (listed && (hasFilters || input.PaginationToken || input.ResourcesPerPage !== undefined)) {
    fail(
      call,
      'InvalidParameterException',
      'ResourceARNList cannot be combined with filters or pagination parameters.',
    );
  }
  const pageSize = input.ResourcesPerPage ?? DEFAULT_PAGE;
  if (pageSize < 1 || pageSize > MAX_PAGE)
    fail(call, 'InvalidParameterException', `ResourcesPerPage must be 1-${MAX_PAGE}.`);
  if ((input.TagFilters?.length ?? 0) > 50 || input.TagFilters?.some((f) => (f.Values?.length ?? 0) > 20)) {
    fail(call, 'InvalidParameterException', 'At most 50 tag filters with at most 20 values each.');
  }
  const matching = visibleResources(call)
    .filter(
      (resource) =>
        (!listed || listed.includes(resource.arn)) &&
        matchesTagFilters(resource, input.TagFilters) &&
        (!input.ResourceTypeFilters?.length ||
          input.ResourceTypeFilters.some((filter) =>
            matchesTypeFilter(parseArn(resource.arn)?.taggingType ?? '', filter),
          )),
    )
    .sort((a, b) => a.arn.localeCompare(b.arn))
    .map((resource) => ({
      ResourceARN: resource.arn,
      Tags: Object.entries(resource.tags).map(([Key, Value]) => ({ Key, Value })),
    }));
  const page = taggingPage(
    call,
    input.PaginationToken,
    matching,
    pageSize,
    JSON.stringify([input.TagFilters, input.ResourceTypeFilters]),
  );
  return { ResourceTagMappingList: page.items, PaginationToken: page.nextToken };
}

export const taggingHandlers: ServiceHandlers = { GetResources: getResources, GetTagKeys: getTagKeys };
