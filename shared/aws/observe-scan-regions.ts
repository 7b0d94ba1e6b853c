import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import type { DesiredState, EffectivePolicy, ObservedTarget } from '../domain/model.js';
import { GLOBAL_REGION } from '../domain/model.js';
import { scanOnlyRegions } from '../domain/scope.js';
import type { ClientFactory } from './clients.js';
import { classifyAwsError, isTransientFailure } from './errors.js';
import { callSite, listAll } from './observe-reads.js';
import { readTaggedResources } from './observe-tagged.js';
import { unobservedTarget } from './observe-target.js';

/** ListRegions returns at most 50 Regions a page (https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html). */
const REGIONS_PAGE_SIZE = 50;

/** Account Management has one endpoint, in us-east-1 (https://docs.aws.amazon.com/general/latest/gr/acct.html). */
const ACCOUNT_REGION = 'us-east-1';

/** The Regions an account can use: enabled by default, or enabled by opting in. */
export async function readEnabledRegions(factory: ClientFactory, accountId: string): Promise<string[]> {
  const account = factory.clientOf(AccountClient, accountId, ACCOUNT_REGION);
  const regions = await listAll(
    callSite(accountId, GLOBAL_REGION),
    'ListRegions',
    (NextToken) =>
      account.send(
        new ListRegionsCommand({
          MaxResults: REGIONS_PAGE_SIZE,
          NextToken,
          RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'],
        }),
      ),
    (page) => ({ items: page.Regions, nextToken: page.NextToken }),
  );
  return regions.flatMap((region) => (region.RegionName ? [region.RegionName] : []));
}

/**
 * Reads the account's Regions outside the policy: the Regions enabled there (account:ListRegions), narrowed
 * by `scanRegions`, each read for tagged resources only (two Tagging calls, plus a page per 100 resources).
 * The effective policy is the account's, already read by the caller. A Region whose Tagging call is refused
 * is taken as closed by a Region-deny SCP (`regionScanDenied`); any other failure makes that Region
 * unobserved. Throws only when the enabled Regions cannot be listed.
 */
export async function observeScanOnlyRegions(
  factory: ClientFactory,
  desired: DesiredState,
  accountId: string,
  effectivePolicy: EffectivePolicy | null,
): Promise<ObservedTarget[]> {
  if (desired.scanRegions?.length === 0) return [];
  const regions = scanOnlyRegions(desired, await readEnabledRegions(factory, accountId));
  return Promise.all(
    regions.map(async (region) => {
      const target = { accountId, region };
      try {
        const resources = await readTaggedResources(factory, target, desired.selection.tagKey);
        return { ...unobservedTarget(target, { ok: true }), effectivePolicy, resources };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (classifyAwsError(error).category === 'access-denied') {
          return { ...unobservedTarget(target, { ok: true }), effectivePolicy, regionScanDenied: message };
        }
        return unobservedTarget(target, {
          ok: false,
          reason: 'OBSERVATION_FAILED',
          message,
          ...(isTransientFailure(error) ? { transient: true } : {}),
        });
      }
    }),
  );
}
