import { BackupClient } from '@aws-sdk/client-backup';
import { jobsReadSince, mergeJobs, nextJobMemory } from '../domain/evaluate/job-memory.js';
import { isPendingDeletion } from '../domain/evaluate/key-deletion.js';
import { recoveryPointLookbackMs } from '../domain/evaluate/policy-backups.js';
import { backupRoleArn } from '../domain/evaluate/target-facts.js';
import type {
  DesiredState,
  EffectivePolicy,
  JobMemory,
  ObservedTarget,
  Reachability,
} from '../domain/model.js';
import { parseEffectivePolicy } from '../domain/policy/effective.js';
import { lazyImport } from '../lazy-import.js';
import type { ClientFactory } from './clients.js';
import { isAccountUnreachable, isTransientFailure } from './errors.js';
import { readEventForwarding } from './observe-event-forwarding.js';
import { keysOfInterest, readKeys } from './observe-keys.js';
import {
  countExpiredRecoveryPoints,
  readJobs,
  readProtectedResources,
  readRecoveryPointSources,
  readVaultRecoveryPoints,
} from './observe-protection.js';
import { allOrMostTellingFailure, callSite, type TargetRef } from './observe-reads.js';
import { readResourceDetails } from './observe-resource-details.js';
import { readRestoreTesting } from './observe-restore-testing.js';
import { readBackupRole, readCentralServiceLinkedRole } from './observe-roles.js';
import { readTaggedResources } from './observe-tagged.js';
import { centralVaultAt, readCentralVault, readRegionSettings, readVault } from './observe-vaults.js';

const policyObserver = lazyImport(() => import('./observe-policy.js'));

export { trustsServicePrincipal } from '../domain/policy/trust-policy.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Reads one account × Region. The number of calls does not grow with the number of resources: only list
 * calls with maximum page sizes, a constant number per service, plus one DescribeKey/ListGrants per KMS key
 * of interest. Never throws: an account that cannot be reached or read comes back with a reachability
 * reason and empty collections, so one bad account never stops a sweep. `sharedPolicy` is the account's
 * effective policy as the run's org reconcile read it for the account's chain of inherited policies; without
 * it the account's own is read.
 * Jobs are read from `jobMemory`'s watermark and merged with the jobs it kept; without it, the whole
 * window is read.
 */
export async function observeTarget(
  factory: ClientFactory,
  desired: DesiredState,
  target: TargetRef,
  now: Date,
  sharedPolicy?: { readonly content: string | null } | null,
  jobMemory?: JobMemory | null,
): Promise<ObservedTarget> {
  try {
    return await readTarget(factory, desired, target, now, sharedPolicy ?? null, jobMemory ?? null);
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

/** A target with nothing read: empty collections, and the reachability saying why. */
export function unobservedTarget(target: TargetRef, reachability: Reachability): ObservedTarget {
  return {
    accountId: target.accountId,
    region: target.region,
    reachability,
    effectivePolicy: null,
    vault: null,
    backupRole: { exists: false, trustsBackup: false, attachedPolicyArns: [] },
    regionOptIn: {},
    regionManagement: {},
    keys: [],
    eventForwarding: {
      ruleExists: false,
      targetsBus: false,
      roleExists: false,
      ruleState: null,
      eventPattern: null,
    },
    resources: [],
    resourceDetails: {},
    protectedResources: [],
    vaultRecoveryPoints: [],
    jobs: [],
  };
}

async function readTarget(
  factory: ClientFactory,
  desired: DesiredState,
  target: TargetRef,
  now: Date,
  sharedPolicy: { readonly content: string | null } | null,
  jobMemory: JobMemory | null,
): Promise<ObservedTarget> {
  const { accountId, region } = target;
  const call = callSite(accountId, region);
  const backup = factory.clientOf(BackupClient, accountId, region);
  const centralHere = centralVaultAt(desired, target);
  const roleArn = backupRoleArn(desired, accountId);

  const [
    { resources, resourceDetails, typesListedInFull: listedInFull },
    protectedResources,
    vault,
    centralVault,
    regionSettings,
    effectivePolicy,
    backupRole,
    eventForwarding,
    jobsRead,
    vaultRecoveryPoints,
    restoreTesting,
    expiredRecoveryPoints,
  ] = await allOrMostTellingFailure([
    readTaggedResources(factory, target, desired.selection.tagKey).then(async (tagged) => {
      const { details, typesListedInFull } = await readResourceDetails(factory, target, tagged, now);
      return { resources: tagged, resourceDetails: details, typesListedInFull };
    }),
    readProtectedResources(backup, call),
    readVault(backup, call, desired.vault.name),
    centralHere ? readCentralVault(backup, call, centralHere.name) : Promise.resolve(undefined),
    readRegionSettings(backup, call),
    // A sweep's targets take their chain's shared policy; Organizations loads only for a target's own read.
    sharedPolicy
      ? parseShared(sharedPolicy.content)
      : policyObserver().then(({ readEffectivePolicy }) => readEffectivePolicy(factory, accountId)),
    readBackupRole(factory, accountId, desired.backupRole.name),
    readEventForwarding(factory, target, desired),
    readJobs(factory, target, jobsReadSince(jobMemory, now)),
    readVaultRecoveryPoints(
      backup,
      call,
      desired.vault.name,
      new Date(now.getTime() - recoveryPointLookbackMs(desired, now)),
    ),
    desired.restoreTesting
      ? readRestoreTesting(factory, target, desired.restoreTesting, now)
      : Promise.resolve(undefined),
    Promise.all(
      (desired.plans.length === 0
        ? []
        : [desired.vault.name, ...(centralHere ? [centralHere.name] : [])]
      ).map((vaultName) =>
        countExpiredRecoveryPoints(backup, call, vaultName, expirableBefore(desired, now)),
      ),
    ),
  ]);

  const jobs = mergeJobs(jobsRead, jobMemory, now);
  const [keys, serviceLinkedRole] = await Promise.all([
    readKeys(
      factory,
      accountId,
      roleArn,
      keysOfInterest(vault, centralVault?.vault ?? null, jobs, resources, resourceDetails),
      now,
    ),
    readCentralServiceLinkedRole(factory, desired, centralHere !== undefined, jobs),
  ]);

  // Only while the central vault's key is scheduled for deletion: what its copies are of, for the one alert.
  const centralKeyArn = centralVault?.vault?.encryptionKeyArn;
  const centralKeyDoomed = keys.some((key) => key.arn === centralKeyArn && isPendingDeletion(key));
  const copiedResources =
    centralHere && centralKeyDoomed
      ? await readRecoveryPointSources(backup, call, centralHere.name)
      : undefined;

  return {
    accountId,
    region,
    reachability: { ok: true },
    effectivePolicy,
    vault,
    ...(centralVault
      ? { centralVault: { ...centralVault, ...(copiedResources ? { copiedResources } : {}) } }
      : {}),
    ...(serviceLinkedRole ? { serviceLinkedRole } : {}),
    backupRole,
    regionOptIn: regionSettings.optIn,
    regionManagement: regionSettings.management,
    keys,
    eventForwarding,
    resources,
    resourceDetails,
    protectedResources,
    vaultRecoveryPoints,
    jobs,
    jobMemory: nextJobMemory(jobsRead, jobs, now),
    ...(restoreTesting ? { restoreTesting } : {}),
    expiredRecoveryPoints,
    typesListedInFull: listedInFull,
  };
}

/** Parsed where the read would have been, so a malformed policy fails the target the same way. */
async function parseShared(content: string | null): Promise<EffectivePolicy | null> {
  return content === null ? null : parseEffectivePolicy(content);
}

/** Only recovery points older than the shortest retention the policy's plans give can have expired. */
function expirableBefore(desired: DesiredState, now: Date): Date {
  return new Date(now.getTime() - Math.min(...desired.plans.map((plan) => plan.deleteAfterDays)) * DAY_MS);
}
