import type { World, WorldIssue } from './world.js';

/**
 * Checks that the schema cannot make and that would otherwise surface only when the simulated clock reaches
 * them (or never): timeline entries naming accounts, resources or keys the world does not have, and ARNs
 * listed under another account or Region than their own.
 */
export function worldReferenceIssues(world: World): WorldIssue[] {
  return [...placementIssues(world), ...timelineIssues(world)];
}

/** `arn:partition:service:region:account:resource`; S3 buckets and other global ARNs have empty fields. */
function arnParts(
  arn: string,
): { service: string; region: string; account: string; resource: string } | null {
  const parts = arn.split(':');
  if (parts.length < 6) return null;
  return {
    service: parts[2] ?? '',
    region: parts[3] ?? '',
    account: parts[4] ?? '',
    resource: parts.slice(5).join(':'),
  };
}

/** Services whose resource ARNs are always `type/id` or `type:id` (a queue or topic ARN is a bare name). */
const TYPED_RESOURCE_SERVICES = new Set([
  'ec2',
  'rds',
  'dynamodb',
  'elasticfilesystem',
  'fsx',
  'kms',
  'backup',
]);

function placementIssues(world: World): WorldIssue[] {
  const issues: WorldIssue[] = [];
  for (const [accountId, account] of Object.entries(world.accounts)) {
    for (const [region, contents] of Object.entries(account.regions ?? {})) {
      const listed = [
        ...(contents.resources ?? []).map((resource, i) => ({
          arn: resource.arn,
          path: `resources[${i}].arn`,
        })),
        ...(contents.keys ?? []).map((key, i) => ({ arn: key.arn, path: `keys[${i}].arn` })),
      ];
      for (const { arn, path } of listed) {
        const parts = arnParts(arn);
        const where = `accounts.${accountId}.regions.${region}.${path}`;
        if (!parts) {
          issues.push({
            path: where,
            message: `${arn} is not an ARN (arn:aws:service:region:account:resource)`,
          });
          continue;
        }
        if (parts.account && parts.account !== accountId) {
          issues.push({
            path: where,
            message: `${arn} belongs to account ${parts.account}, but is listed under ${accountId}`,
          });
        }
        if (parts.region && parts.region !== region) {
          issues.push({
            path: where,
            message: `${arn} is in ${parts.region}, but is listed under ${region}`,
          });
        }
        // `volume` alone, or `volume/`, names a type but no resource.
        const untyped = TYPED_RESOURCE_SERVICES.has(parts.service) && !/[/:]/.test(parts.resource);
        if (untyped || /[/:]$/.test(parts.resource)) {
          issues.push({ path: where, message: `${arn} names a resource type but no resource id` });
        }
      }
    }
  }
  return issues;
}

function timelineIssues(world: World): WorldIssue[] {
  const issues: WorldIssue[] = [];
  const accounts = new Set(Object.keys(world.accounts));
  const collect = (ous: World['organization']['ous']) => {
    for (const ou of ous) {
      for (const id of ou.accounts ?? []) accounts.add(id);
      collect(ou.ous ?? []);
    }
  };
  for (const id of world.organization.accounts) accounts.add(id);
  collect(world.organization.ous);
  const resources = new Set<string>();
  const keys = new Set<string>();
  for (const account of Object.values(world.accounts)) {
    for (const contents of Object.values(account.regions ?? {})) {
      for (const resource of contents.resources ?? []) resources.add(resource.arn);
      for (const key of contents.keys ?? []) keys.add(key.arn);
    }
  }
  world.timeline.forEach((entry, i) => {
    const here = `timeline[${i}]`;
    const account = (path: string, id: string | undefined) => {
      if (id !== undefined && !accounts.has(id))
        issues.push({ path: `${here}.${path}`, message: `unknown account ${id}` });
    };
    const resource = (path: string, arn: string | undefined) => {
      if (arn !== undefined && !resources.has(arn))
        issues.push({ path: `${here}.${path}`, message: `unknown resource ${arn}` });
    };
    account('createResource.account', entry.createResource?.account);
    account('deleteVault.account', entry.deleteVault?.account);
    account('deleteVaultLock.account', entry.deleteVaultLock?.account);
    account('deleteMemberRole.account', entry.deleteMemberRole?.account);
    account('moveAccount.id', entry.moveAccount?.id);
    resource('tag.arn', entry.tag?.arn);
    resource('untag.arn', entry.untag?.arn);
    resource('deleteResource.arn', entry.deleteResource?.arn);
    const key = entry.scheduleKeyDeletion?.arn;
    if (key !== undefined && !keys.has(key))
      issues.push({ path: `${here}.scheduleKeyDeletion.arn`, message: `unknown key ${key}` });
    // Later entries may name what this one creates.
    if (entry.createAccount) accounts.add(entry.createAccount.id);
    if (entry.createResource) resources.add(entry.createResource.arn);
    if (entry.deleteResource) resources.delete(entry.deleteResource.arn);
  });
  return issues;
}
