import {
  type BackupClient,
  DescribeBackupVaultCommand,
  DescribeRegionSettingsCommand,
  GetBackupVaultAccessPolicyCommand,
  ListBackupJobsCommand,
  ListCopyJobsCommand,
  ListProtectedResourcesCommand,
} from '@aws-sdk/client-backup';
import { DescribeRuleCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetRoleCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, type KMSClient, ListGrantsCommand } from '@aws-sdk/client-kms';
import { DescribeEffectivePolicyCommand } from '@aws-sdk/client-organizations';
import { GetResourcesCommand, GetTagKeysCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { backupRoleArn } from '../domain/evaluate/target-facts.js';
import { classifyJobFailure, isJobFailure } from '../domain/job-messages.js';
import type {
  DesiredState,
  EffectivePolicy,
  JobOutcome,
  JobState,
  ObservedKey,
  ObservedTarget,
  ObservedVault,
  ProtectedResource,
  Reachability,
  TaggedResource,
} from '../domain/model.js';
import { parseEffectivePolicy } from '../domain/policy/effective.js';
import { isBackupArtifact } from '../domain/resource-types.js';
import { isSpellingOf } from '../domain/tags.js';
import { type ClientFactory, ORGANIZATIONS_REGION } from './clients.js';
import { atCallSite, classifyAwsError, isAccountUnreachable, isTransientFailure } from './errors.js';
import { collectPages } from './paginate.js';

/** Tagging's maximum page size (facts §3.1). */
const TAGGING_PAGE_SIZE = 100;
/** Backup's maximum page size for protected resources and jobs (facts §2.6, §2.8). */
const BACKUP_PAGE_SIZE = 1000;
const KMS_GRANTS_PAGE_SIZE = 100;
/** Jobs older than this cannot change a verdict: the longest allowed age is a weekly plan plus its windows. */
const JOB_LOOKBACK_DAYS = 8;
const DAY_MS = 24 * 60 * 60 * 1000;
const BACKUP_SERVICE_PRINCIPAL = 'backup.amazonaws.com';
const DEFAULT_EVENT_BUS = 'default';

export interface TargetRef {
  readonly accountId: string;
  readonly region: string;
}

/**
 * Reads one account × Region. The number of calls does not grow with the number of resources: only list
 * calls with maximum page sizes, a constant number per service, plus one DescribeKey/ListGrants per KMS key
 * of interest. Never throws: an account that cannot be reached or read comes back with a reachability
 * reason and empty collections, so one bad account never stops a sweep.
 */
export async function observeTarget(
  factory: ClientFactory,
  desired: DesiredState,
  target: TargetRef,
  now: Date,
): Promise<ObservedTarget> {
  try {
    return await readTarget(factory, desired, target, now);
  } catch (error) {
    return unobservedTarget(target, reachabilityOf(error));
  }
}

function reachabilityOf(error: unknown): Reachability {
  // AwsCallError and MemberCredentialsError messages name the call, account and Region.
  const message = error instanceof Error ? error.message : String(error);
  // A throttled AssumeRole says nothing about whether the account can be reached.
  if (isTransientFailure(error)) return { ok: false, reason: 'OBSERVATION_FAILED', message, transient: true };
  return isAccountUnreachable(error)
    ? { ok: false, reason: 'ACCOUNT_UNREACHABLE', message }
    : { ok: false, reason: 'OBSERVATION_FAILED', message };
}

function unobservedTarget(target: TargetRef, reachability: Reachability): ObservedTarget {
  return {
    accountId: target.accountId,
    region: target.region,
    reachability,
    effectivePolicy: null,
    vault: null,
    backupRole: { exists: false, trustsBackup: false, attachedPolicyArns: [] },
    regionOptIn: {},
    keys: [],
    eventForwarding: {
      ruleExists: false,
      targetsBus: false,
      roleExists: false,
      ruleState: null,
      eventPattern: null,
    },
    resources: [],
    protectedResources: [],
    jobs: [],
  };
}

type Call = <T>(operation: string, send: () => Promise<T>) => Promise<T>;

function callSite(accountId: string, region: string): Call {
  return (operation, send) => atCallSite({ operation, accountId, region }, send);
}

async function readTarget(
  factory: ClientFactory,
  desired: DesiredState,
  target: TargetRef,
  now: Date,
): Promise<ObservedTarget> {
  const { accountId, region } = target;
  if (!desired.regions.includes(region)) return readScannedRegion(factory, desired, target);
  const call = callSite(accountId, region);
  const backup = factory.backup(accountId, region);
  const centralHere = centralVaultAt(desired, target);
  const roleArn = backupRoleArn(desired, accountId);

  const [
    resources,
    protectedResources,
    vault,
    centralVault,
    regionOptIn,
    effectivePolicy,
    backupRole,
    eventForwarding,
    jobs,
  ] = await allOrMostTellingFailure([
    readTaggedResources(factory, target, desired.selection.tagKey),
    readProtectedResources(backup, call),
    readVault(backup, call, desired.vault.name),
    centralHere ? readCentralVault(backup, call, centralHere.name) : Promise.resolve(undefined),
    readRegionOptIn(backup, call),
    readEffectivePolicy(factory, accountId),
    readBackupRole(factory, accountId, desired.backupRole.name),
    readEventForwarding(factory, target, desired),
    readJobs(factory, target, new Date(now.getTime() - JOB_LOOKBACK_DAYS * DAY_MS)),
  ]);

  const keys = await readKeys(
    factory,
    accountId,
    roleArn,
    keysOfInterest(vault, centralVault?.vault ?? null, jobs),
  );

  return {
    accountId,
    region,
    reachability: { ok: true },
    effectivePolicy,
    vault,
    ...(centralVault ? { centralVault } : {}),
    backupRole,
    regionOptIn,
    keys,
    eventForwarding,
    resources,
    protectedResources,
    jobs,
  };
}

/**
 * A Region the config only scans: the controller never changes anything there and only reports tagged
 * resources (REGION_NOT_IN_POLICY unless the effective policy covers it), so only those two are read.
 */
async function readScannedRegion(
  factory: ClientFactory,
  desired: DesiredState,
  target: TargetRef,
): Promise<ObservedTarget> {
  const [resources, effectivePolicy] = await allOrMostTellingFailure([
    readTaggedResources(factory, target, desired.selection.tagKey),
    readEffectivePolicy(factory, target.accountId),
  ]);
  return { ...unobservedTarget(target, { ok: true }), effectivePolicy, resources };
}

/** The central vault's spec when this account × Region holds one (every configured Region when perRegion). */
function centralVaultAt(desired: DesiredState, target: TargetRef): DesiredState['centralVault'] {
  const central = desired.centralVault;
  if (!central || central.accountId !== target.accountId) return undefined;
  const holds = central.perRegion
    ? desired.regions.includes(target.region)
    : central.region === target.region;
  return holds ? central : undefined;
}

/**
 * Like Promise.all, but waits for every read and, if several failed, rethrows the one that says the account
 * is unreachable: with concurrent reads the first rejection is otherwise a matter of timing.
 */
async function allOrMostTellingFailure<T extends readonly unknown[] | []>(
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

/** Not-found answers are facts ("there is no vault"), not failures. */
async function unlessNotFound<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (classifyAwsError(error).category === 'not-found') return null;
    throw error;
  }
}

/**
 * The selection key's spellings actually in use here come from one GetTagKeys listing (tag keys, not
 * resources); then one GetResources listing per spelling (a key filter without values matches any value).
 * So near misses such as `backupenabled=yes` are found at a cost that grows with pages, never per resource.
 * Backup's own artifacts (snapshots, AMIs, recovery points) carry the tags too and are dropped; other
 * unsupported types are kept so they can be reported.
 */
async function readTaggedResources(
  factory: ClientFactory,
  target: TargetRef,
  tagKey: string,
): Promise<TaggedResource[]> {
  const tagging = factory.tagging(target.accountId, target.region);
  const call = callSite(target.accountId, target.region);
  const keysInUse = await collectPages((PaginationToken) =>
    call('GetTagKeys', () => tagging.send(new GetTagKeysCommand({ PaginationToken }))).then((page) => ({
      items: page.TagKeys,
      nextToken: page.PaginationToken,
    })),
  );
  const keys = keysInUse.filter((key) => isSpellingOf(key, tagKey));
  const listings = await Promise.all(
    keys.map((key) =>
      collectPages((PaginationToken) =>
        call('GetResources', () =>
          tagging.send(
            new GetResourcesCommand({
              TagFilters: [{ Key: key }],
              ResourcesPerPage: TAGGING_PAGE_SIZE,
              PaginationToken,
            }),
          ),
        ).then((page) => ({ items: page.ResourceTagMappingList, nextToken: page.PaginationToken })),
      ),
    ),
  );
  const byArn = new Map<string, TaggedResource>();
  for (const mapping of listings.flat()) {
    const arn = mapping.ResourceARN;
    if (!arn || byArn.has(arn) || isBackupArtifact(arn)) continue;
    const tags: Record<string, string> = {};
    for (const tag of mapping.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
    byArn.set(arn, { arn, tags });
  }
  return [...byArn.values()].sort((a, b) => a.arn.localeCompare(b.arn));
}

async function readProtectedResources(backup: BackupClient, call: Call): Promise<ProtectedResource[]> {
  const results = await collectPages((NextToken) =>
    call('ListProtectedResources', () =>
      backup.send(new ListProtectedResourcesCommand({ MaxResults: BACKUP_PAGE_SIZE, NextToken })),
    ).then((page) => ({ items: page.Results, nextToken: page.NextToken })),
  );
  return results
    .flatMap((result) =>
      result.ResourceArn
        ? [
            {
              arn: result.ResourceArn,
              resourceType: result.ResourceType ?? '',
              lastBackupTime: result.LastBackupTime ?? null,
            },
          ]
        : [],
    )
    .sort((a, b) => a.arn.localeCompare(b.arn));
}

async function readVault(backup: BackupClient, call: Call, vaultName: string): Promise<ObservedVault | null> {
  return unlessNotFound(async () => {
    const vault = await call('DescribeBackupVault', () =>
      backup.send(new DescribeBackupVaultCommand({ BackupVaultName: vaultName })),
    );
    return {
      name: vault.BackupVaultName ?? vaultName,
      arn: vault.BackupVaultArn ?? '',
      encryptionKeyArn: vault.EncryptionKeyArn ?? null,
      locked: vault.Locked ?? false,
      minRetentionDays: vault.MinRetentionDays ?? null,
      maxRetentionDays: vault.MaxRetentionDays ?? null,
      lockDate: vault.LockDate ?? null,
    };
  });
}

async function readCentralVault(
  backup: BackupClient,
  call: Call,
  vaultName: string,
): Promise<{ vault: ObservedVault | null; accessPolicy: string | null }> {
  const vault = await readVault(backup, call, vaultName);
  if (!vault) return { vault, accessPolicy: null };
  const policy = await unlessNotFound(() =>
    call('GetBackupVaultAccessPolicy', () =>
      backup.send(new GetBackupVaultAccessPolicyCommand({ BackupVaultName: vaultName })),
    ),
  );
  return { vault, accessPolicy: policy?.Policy ?? null };
}

async function readRegionOptIn(backup: BackupClient, call: Call): Promise<Record<string, boolean>> {
  const settings = await call('DescribeRegionSettings', () =>
    backup.send(new DescribeRegionSettingsCommand({})),
  );
  return { ...settings.ResourceTypeOptInPreference };
}

/**
 * Asked with the member account's own credentials and no TargetId: from a member, "not found" means
 * exactly "this account has no backup policy" (facts §1.11), and the org-wide Organizations quota is not
 * spent by the management account on every target.
 */
async function readEffectivePolicy(
  factory: ClientFactory,
  accountId: string,
): Promise<EffectivePolicy | null> {
  const call = callSite(accountId, ORGANIZATIONS_REGION);
  const response = await unlessNotFound(() =>
    call('DescribeEffectivePolicy', () =>
      factory
        .organizations(accountId)
        .send(new DescribeEffectivePolicyCommand({ PolicyType: 'BACKUP_POLICY' })),
    ),
  );
  const content = response?.EffectivePolicy?.PolicyContent;
  return content ? parseEffectivePolicy(content) : null;
}

async function readBackupRole(
  factory: ClientFactory,
  accountId: string,
  roleName: string,
): Promise<ObservedTarget['backupRole']> {
  const iam = factory.iam(accountId);
  const call = callSite(accountId, factory.homeRegion);
  const role = await unlessNotFound(() =>
    call('GetRole', () => iam.send(new GetRoleCommand({ RoleName: roleName }))),
  );
  if (!role?.Role) return { exists: false, trustsBackup: false, attachedPolicyArns: [] };
  const attached = await collectPages((Marker) =>
    call('ListAttachedRolePolicies', () =>
      iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker })),
    ).then((page) => ({
      items: page.AttachedPolicies,
      nextToken: page.IsTruncated ? page.Marker : undefined,
    })),
  );
  return {
    exists: true,
    trustsBackup: trustsServicePrincipal(role.Role.AssumeRolePolicyDocument, BACKUP_SERVICE_PRINCIPAL),
    attachedPolicyArns: attached.flatMap((policy) => (policy.PolicyArn ? [policy.PolicyArn] : [])).sort(),
  };
}

interface PolicyStatement {
  Effect?: string;
  Action?: string | string[];
  Principal?: string | { Service?: string | string[] };
}

/** GetRole returns the trust policy URL-encoded. */
export function trustsServicePrincipal(
  encodedDocument: string | undefined,
  servicePrincipal: string,
): boolean {
  if (!encodedDocument) return false;
  let document: { Statement?: PolicyStatement | PolicyStatement[] };
  try {
    document = JSON.parse(decodeURIComponent(encodedDocument));
  } catch {
    return false;
  }
  const statements = [document.Statement ?? []].flat();
  return statements.some((statement) => {
    const actions = [statement.Action ?? []].flat();
    const principal = statement.Principal;
    const services = typeof principal === 'object' ? [principal.Service ?? []].flat() : [];
    return (
      statement.Effect === 'Allow' &&
      actions.some((action) => action === 'sts:AssumeRole' || action === 'sts:*' || action === '*') &&
      services.includes(servicePrincipal)
    );
  });
}

async function readEventForwarding(
  factory: ClientFactory,
  target: TargetRef,
  desired: DesiredState,
): Promise<ObservedTarget['eventForwarding']> {
  const forwarding = desired.eventForwarding;
  if (!forwarding) {
    return { ruleExists: false, targetsBus: false, roleExists: false, ruleState: null, eventPattern: null };
  }
  const events = factory.eventBridge(target.accountId, target.region);
  const call = callSite(target.accountId, target.region);
  const iamCall = callSite(target.accountId, factory.homeRegion);
  const [rule, role] = await Promise.all([
    unlessNotFound(() =>
      call('DescribeRule', () =>
        events.send(new DescribeRuleCommand({ Name: forwarding.ruleName, EventBusName: DEFAULT_EVENT_BUS })),
      ),
    ),
    unlessNotFound(() =>
      iamCall('GetRole', () =>
        factory.iam(target.accountId).send(new GetRoleCommand({ RoleName: forwarding.roleName })),
      ),
    ),
  ]);
  const targets = rule
    ? await collectPages((NextToken) =>
        call('ListTargetsByRule', () =>
          events.send(
            new ListTargetsByRuleCommand({
              Rule: forwarding.ruleName,
              EventBusName: DEFAULT_EVENT_BUS,
              NextToken,
            }),
          ),
        ).then((page) => ({ items: page.Targets, nextToken: page.NextToken })),
      )
    : [];
  return {
    ruleExists: rule !== null,
    targetsBus: targets.some((ruleTarget) => ruleTarget.Arn === forwarding.busArn),
    roleExists: role?.Role !== undefined,
    ruleState: rule?.State ?? null,
    eventPattern: rule?.EventPattern ?? null,
  };
}

/**
 * Jobs are asked of the management account, which answers for the whole organization with ByAccountId
 * (facts §2.8): one place for the permissions and no member quota spent. When cross-account monitoring is
 * not enabled (denied or invalid), the member account is asked about its own jobs instead.
 */
async function readJobs(factory: ClientFactory, target: TargetRef, since: Date): Promise<JobOutcome[]> {
  try {
    const management = factory.backup(factory.managementAccountId, target.region);
    return await listJobs(
      management,
      callSite(factory.managementAccountId, target.region),
      since,
      target.accountId,
    );
  } catch (error) {
    const { category } = classifyAwsError(error);
    if (category !== 'access-denied' && category !== 'invalid') throw error;
    const member = factory.backup(target.accountId, target.region);
    return listJobs(member, callSite(target.accountId, target.region), since, undefined);
  }
}

async function listJobs(
  backup: BackupClient,
  call: Call,
  since: Date,
  byAccountId: string | undefined,
): Promise<JobOutcome[]> {
  const filter = {
    ByCreatedAfter: since,
    MaxResults: BACKUP_PAGE_SIZE,
    ...(byAccountId ? { ByAccountId: byAccountId } : {}),
  };
  const [backupJobs, copyJobs] = await Promise.all([
    collectPages((NextToken) =>
      call('ListBackupJobs', () => backup.send(new ListBackupJobsCommand({ ...filter, NextToken }))).then(
        (page) => ({
          items: page.BackupJobs,
          nextToken: page.NextToken,
        }),
      ),
    ),
    collectPages((NextToken) =>
      call('ListCopyJobs', () => backup.send(new ListCopyJobsCommand({ ...filter, NextToken }))).then(
        (page) => ({
          items: page.CopyJobs,
          nextToken: page.NextToken,
        }),
      ),
    ),
  ]);
  const outcome = (
    kind: JobOutcome['kind'],
    job: {
      ResourceArn?: string;
      State?: string;
      CreationDate?: Date;
      CompletionDate?: Date;
      StatusMessage?: string;
    },
    jobId: string | undefined,
  ): JobOutcome => ({
    kind,
    jobId: jobId ?? '',
    resourceArn: job.ResourceArn ?? '',
    state: (job.State ?? 'CREATED') as JobState,
    creationDate: job.CreationDate ?? since,
    completionDate: job.CompletionDate ?? null,
    statusMessage: job.StatusMessage ?? null,
  });
  const outcomes: JobOutcome[] = [
    ...backupJobs.map((job) => outcome('BACKUP', job, job.BackupJobId)),
    ...copyJobs.map((job) => ({
      ...outcome('COPY', job, job.CopyJobId),
      ...(job.DestinationBackupVaultArn ? { destinationVaultArn: job.DestinationBackupVaultArn } : {}),
    })),
  ];
  return outcomes.sort(
    (a, b) => b.creationDate.getTime() - a.creationDate.getTime() || a.jobId.localeCompare(b.jobId),
  );
}

/** The vault keys, then keys that failed jobs name: bounded by keys, not resources. */
function keysOfInterest(
  vault: ObservedVault | null,
  centralVault: ObservedVault | null,
  jobs: readonly JobOutcome[],
): Map<string, ObservedKey['usedBy']> {
  const keys = new Map<string, ObservedKey['usedBy']>();
  for (const candidate of [vault, centralVault]) {
    if (candidate?.encryptionKeyArn) keys.set(candidate.encryptionKeyArn, 'vault');
  }
  for (const job of jobs) {
    if (!isJobFailure(job)) continue;
    const { keyArn } = classifyJobFailure(job);
    if (keyArn && !keys.has(keyArn)) keys.set(keyArn, 'resource');
  }
  return keys;
}

async function readKeys(
  factory: ClientFactory,
  accountId: string,
  roleArn: string,
  keys: Map<string, ObservedKey['usedBy']>,
): Promise<ObservedKey[]> {
  const observed = await Promise.all(
    [...keys].map(([keyArn, usedBy]) => readKey(factory, accountId, roleArn, keyArn, usedBy)),
  );
  return observed.sort((a, b) => a.arn.localeCompare(b.arn));
}

/**
 * A key the member account cannot describe (deleted, or another account's key it may not read) is reported
 * as Unavailable rather than failing the whole target: for the backups it is just as unusable.
 */
async function readKey(
  factory: ClientFactory,
  accountId: string,
  roleArn: string,
  keyArn: string,
  usedBy: ObservedKey['usedBy'],
): Promise<ObservedKey> {
  // A key ARN names its own Region (arn:aws:kms:<region>:<account>:key/<id>).
  const region = keyArn.split(':')[3] || factory.homeRegion;
  const kms = factory.kms(accountId, region);
  const call = callSite(accountId, region);
  const metadata = await unlessUnreadable(() =>
    call('DescribeKey', () => kms.send(new DescribeKeyCommand({ KeyId: keyArn }))).then(
      (out) => out.KeyMetadata,
    ),
  );
  if (!metadata)
    return { arn: keyArn, state: 'Unavailable', manager: 'CUSTOMER', backupRoleHasGrant: false, usedBy };
  const manager = metadata.KeyManager === 'AWS' ? 'AWS' : 'CUSTOMER';
  // AWS managed keys allow use through the owning service by any principal of the account; customer keys
  // need a grant (their key policy may also allow it, which ListGrants cannot see).
  const backupRoleHasGrant = manager === 'AWS' || (await hasGrantFor(kms, call, keyArn, roleArn));
  return {
    arn: metadata.Arn ?? keyArn,
    state: metadata.KeyState ?? 'Unavailable',
    manager,
    backupRoleHasGrant,
    usedBy,
  };
}

async function unlessUnreadable<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    const { category } = classifyAwsError(error);
    if (category === 'access-denied' || category === 'not-found' || category === 'invalid') return null;
    throw error;
  }
}

async function hasGrantFor(
  kms: KMSClient,
  call: Call,
  keyArn: string,
  granteePrincipal: string,
): Promise<boolean> {
  const grants = await unlessUnreadable(() =>
    collectPages((Marker) =>
      call('ListGrants', () =>
        kms.send(
          new ListGrantsCommand({
            KeyId: keyArn,
            GranteePrincipal: granteePrincipal,
            Limit: KMS_GRANTS_PAGE_SIZE,
            Marker,
          }),
        ),
      ).then((page) => ({ items: page.Grants, nextToken: page.Truncated ? page.NextMarker : undefined })),
    ),
  );
  return (grants ?? []).length > 0;
}
