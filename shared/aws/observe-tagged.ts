import {
  GetResourcesCommand,
  GetTagKeysCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import type { TaggedResource } from '../domain/model.js';
import { isBackupArtifact } from '../domain/resource-types.js';
import { isSpellingOf } from '../domain/tags.js';
import type { ClientFactory } from './clients.js';
import { callSite, listAll, type TargetRef } from './observe-reads.js';

/** GetResources accepts at most 100 resources per page (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html). */
const TAGGING_PAGE_SIZE = 100;

/**
 * Above this many spellings of the selection key, one unfiltered listing replaces the per-spelling ones.
 * Member accounts choose their tag keys: `BackupEnabled` alone has 8,192 case variants, so listing per
 * spelling would let one account turn a few calls into thousands.
 */
const MAX_FILTERED_LISTINGS = 5;

/**
 * The selection key's spellings actually in use here come from one GetTagKeys listing (tag keys, not
 * resources); then one GetResources listing per spelling (a key filter without values matches any value),
 * or — when there are more spellings than MAX_FILTERED_LISTINGS — one listing of every tagged resource,
 * kept when any of its keys is a spelling. Either way near misses such as `backupenabled=yes` are found at
 * a cost that grows with pages, never per resource or per spelling.
 * Backup's own artifacts (snapshots, AMIs, recovery points) carry the tags too and are dropped; other
 * unsupported types are kept so they can be reported.
 */
export async function readTaggedResources(
  factory: ClientFactory,
  target: TargetRef,
  tagKey: string,
): Promise<TaggedResource[]> {
  const tagging = factory.clientOf(ResourceGroupsTaggingAPIClient, target.accountId, target.region);
  const call = callSite(target.accountId, target.region);
  const keysInUse = await listAll(
    call,
    'GetTagKeys',
    (PaginationToken) => tagging.send(new GetTagKeysCommand({ PaginationToken })),
    (page) => ({ items: page.TagKeys, nextToken: page.PaginationToken }),
  );
  const keys = keysInUse.filter((key) => isSpellingOf(key, tagKey));
  const listResources = (key: string | null) =>
    listAll(
      call,
      'GetResources',
      (PaginationToken) =>
        tagging.send(
          new GetResourcesCommand({
            ...(key === null ? {} : { TagFilters: [{ Key: key }] }),
            ResourcesPerPage: TAGGING_PAGE_SIZE,
            PaginationToken,
          }),
        ),
      (page) => ({ items: page.ResourceTagMappingList, nextToken: page.PaginationToken }),
    );
  const listings =
    keys.length > MAX_FILTERED_LISTINGS
      ? [await listResources(null)]
      : await Promise.all(keys.map((key) => listResources(key)));
  const byArn = new Map<string, TaggedResource>();
  for (const mapping of listings.flat()) {
    const arn = mapping.ResourceARN;
    if (!arn || byArn.has(arn) || isBackupArtifact(arn)) continue;
    if (!(mapping.Tags ?? []).some((tag) => tag.Key !== undefined && isSpellingOf(tag.Key, tagKey))) continue;
    const tags: Record<string, string> = {};
    for (const tag of mapping.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
    byArn.set(arn, { arn, tags });
  }
  return [...byArn.values()].sort((a, b) => a.arn.localeCompare(b.arn));
}
