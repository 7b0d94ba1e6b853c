import type {
  ListRegionsCommandInput,
  ListRegionsCommandOutput,
  RegionOptStatus,
} from '@aws-sdk/client-account';
import { type Call, fail, isManagement, type ServiceHandlers } from '../call.js';
import { InvalidTokenError, paginate } from '../paging.js';
import { DEFAULT_ENABLED_REGIONS, OPT_IN_REGIONS } from '../regions.js';

/**
 * Account Management ListRegions: every Region of the partition with its opt status, pages of at most 50
 * (https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html). Another account's Regions
 * only for the management account.
 */

const DEFAULT_PAGE = 20;
const MAX_PAGE = 50;

function listRegions(
  call: Call,
  input: ListRegionsCommandInput,
): Omit<ListRegionsCommandOutput, '$metadata'> {
  const accountId = input.AccountId ?? call.caller.accountId;
  if (accountId !== call.caller.accountId && !isManagement(call)) {
    fail(call, 'AccessDeniedException', `You are not authorized to access account ${accountId}.`);
  }
  const account = call.state.account(accountId);
  if (!account) fail(call, 'ResourceNotFoundException', `Account ${accountId} was not found.`);
  const pageSize = input.MaxResults ?? DEFAULT_PAGE;
  if (pageSize < 1 || pageSize > MAX_PAGE)
    fail(call, 'ValidationException', `MaxResults must be 1-${MAX_PAGE}.`);
  const known = [
    ...new Set([...DEFAULT_ENABLED_REGIONS, ...OPT_IN_REGIONS, ...account.enabledRegions]),
  ].sort();
  const statusOf = (region: string): RegionOptStatus =>
    !account.enabledRegions.has(region)
      ? 'DISABLED'
      : DEFAULT_ENABLED_REGIONS.includes(region)
        ? 'ENABLED_BY_DEFAULT'
        : 'ENABLED';
  const wanted = input.RegionOptStatusContains;
  const regions = known
    .map((RegionName) => ({ RegionName, RegionOptStatus: statusOf(RegionName) }))
    .filter((region) => !wanted?.length || wanted.includes(region.RegionOptStatus));
  try {
    const page = paginate(regions, {
      token: input.NextToken,
      pageSize,
      query: JSON.stringify([accountId, wanted]),
      now: call.state.now,
    });
    return { Regions: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
  } catch (error) {
    if (error instanceof InvalidTokenError) fail(call, 'ValidationException', error.message);
    throw error;
  }
}

export const accountHandlers: ServiceHandlers = { ListRegions: listRegions };
