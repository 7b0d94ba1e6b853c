/**
 * Turns one observed account × Region into one finding per tagged resource, plus the target's checks.
 *
 * | situation (first match wins)                                   | status      | reasons                                   |
 * |----------------------------------------------------------------|-------------|-------------------------------------------|
 * | target unreachable: each resource history knows here           | UNKNOWN     | ACCOUNT_UNREACHABLE / OBSERVATION_FAILED  |
 * | tag key absent, or present with an unrelated value             | (no finding)|                                           |
 * | type AWS Backup cannot back up                                 | UNPROTECTED | UNSUPPORTED_RESOURCE_TYPE (+TAG_VALUE_MISMATCH if near miss) |
 * | near-miss tag (`true`, `yes`, key in other case)               | UNPROTECTED | TAG_VALUE_MISMATCH                        |
 * | latest finished policy job COMPLETED with issues               | FAILING     | BACKUP_INCOMPLETE                         |
 * | latest finished policy job FAILED/ABORTED/EXPIRED/PARTIAL, no newer policy RP | FAILING | JOB_FAILED (+ causes, below) |
 * | latest finished copy job to the central vault failed           | FAILING     | COPY_MISSING (+ causes, below)            |
 * | policy recovery point older than the allowed age               | STALE       | blockers, else RECOVERY_POINT_STALE (+COPY_MISSING if the copy is stale too) |
 * | policy recovery point fresh, required central copy stale       | STALE       | COPY_MISSING                              |
 * | policy recovery point fresh (and copy fresh when required)     | PROTECTED   | —                                         |
 * | no policy recovery point, now < expected-by                    | PENDING     | AWAITING_FIRST_BACKUP (+ blockers as early warnings) |
 * | no policy recovery point, past expected-by or nothing will back it up | UNPROTECTED | blockers, else BACKUP_OVERDUE |
 *
 * A failure's causes: the one AWS's published message wording names (job-messages.ts), KMS_KEY_PENDING_DELETION
 * when the message names a key observed unusable, then the blockers below as observed.
 *
 * "Policy recovery point" = a COMPLETED/AVAILABLE recovery point in the configured vault made by a plan the
 * policy created (policy-backups.ts). A newer backup made any other way adds BACKED_UP_OUTSIDE_POLICY to any
 * status but PROTECTED, never changes it. Jobs still running never change a verdict; the newest finished
 * policy job that failed is kept in the store so FAILING holds beyond the job listing's reach.
 *
 * Blockers, i.e. what stops backups of a selected resource, in this order: NO_EFFECTIVE_POLICY /
 * REGION_NOT_IN_POLICY (no plan covering this Region selects it), OPT_IN_DISABLED (its type), VAULT_MISSING (a
 * rule selecting it targets the configured vault, which is absent), BACKUP_ROLE_MISSING (missing or
 * not trusting AWS Backup), KMS_KEY_PENDING_DELETION (vault key unusable), LOCK_RETENTION_CONFLICT (a rule's
 * retention outside the vault lock), CROSS_ACCOUNT_BACKUP_DISABLED (a rule copies to the central vault and the
 * org setting is off). Central vault policy problems are visible only in the central target; failed copy jobs
 * carry them here.
 *
 * Timing:
 * - allowed age = allowedAgeMs(rules): the effective rules covering this Region that select the resource; with
 *   none (policy gone), the configured plans, so an old recovery point still turns STALE. A rule set that never
 *   repeats has no allowed age and a recovery point stays PROTECTED.
 * - expected-by (no recovery point) = expectedBy(rules, first seen); null without effective rules. For a
 *   resource with a recovery point, `expectedBy` is when the next one is due: last backup + allowed age.
 * - copy freshness: the newest usable policy copy in the central vault (read once per sweep by the org
 *   phase; a copy keeps its source's creation date), or the covered-since time if there is none, may be at
 *   most (allowed age of the copying rules + their longest completion window) old, because a copy starts
 *   only after its backup completes. Copy jobs only say why a copy failed.
 * - EBS volumes backed up through their instance are listed under the instance ARN, so a resource counts as
 *   backed up only by a recovery point of its own ARN.
 * - `firstSeen` comes from history (now when new); `since` stays while the status is unchanged, else now.
 */
import { runChecks } from '../checks/index.js';
import type {
  CheckResult,
  DesiredState,
  EffectiveRule,
  ObservedTarget,
  PolicyJobRecord,
  ProtectedResource,
  ReasonCode,
  ResourceFinding,
  ResourceStatus,
  TaggedResource,
  Waiver,
} from '../model.js';
import { classifyArn } from '../resource-types.js';
import { allowedAgeMs, expectedBy, NoScheduledRunError, type RuleTiming } from '../schedule.js';
import { matchSelection } from '../tags.js';
import { isWaiverActive, waiverFor } from '../waivers.js';
import { type Warning, warningFields, withWarnings } from '../warnings.js';
import { failedLatestCopy, failedPolicyJob, indexOf, jobsOf, newestCentralCopy } from './job-verdicts.js';
import {
  centralVaultKeyWarnings,
  type KeyDeletionRisk,
  keyDeletionRisk,
  resourceKeyArns,
} from './key-deletion.js';
import {
  describeLockDate,
  type LockBecomingImmutable,
  locksBecomingImmutable,
  type RetentionCliff,
  retentionCliff,
  retentionCliffWarning,
} from './lock-risks.js';
import { lastPolicyJob } from './policy-backups.js';
import { type ResourceProblem, resourceProblems, stopsOnlyCopies } from './resource-problems.js';
import { restoreWarnings } from './restore-tests.js';
import {
  centralVaultFor,
  centralVaultKeyHere,
  copiesToCentral,
  coverageOf,
  isOptedOut,
  isUsableKey,
  lockRetentionConflicts,
  resourceTypeHere,
  vaultKey,
} from './target-facts.js';

/** What the store remembers about a resource from earlier runs. */
export interface ResourceHistory {
  readonly firstSeen: Date;
  /** When an effective rule began to cover it; null or absent while nothing did. */
  readonly coveredSince?: Date | null;
  readonly status: ResourceStatus;
  readonly since: Date;
  readonly accountId: string;
  readonly region: string;
  /** The newest finished policy backup job, kept while it is a failure (see ResourceFinding). */
  readonly lastPolicyJob?: PolicyJobRecord | null | undefined;
  /** Last known recovery point and central copy: what an unreachable account's resources keep showing. */
  readonly lastBackupTime?: Date | null;
  readonly lastCopyTime?: Date | null;
  /** The waiver the finding carried, kept while the target cannot be observed. */
  readonly waiver?: Waiver | null;
}

export interface EvaluateTargetInput {
  readonly desired: DesiredState;
  readonly observed: ObservedTarget;
  readonly org: { readonly crossAccountBackupEnabled: boolean | null };
  /** Keyed by resource ARN. */
  readonly history: ReadonlyMap<string, ResourceHistory>;
  readonly now: Date;
}

export interface TargetEvaluation {
  readonly findings: ResourceFinding[];
  readonly checks: CheckResult[];
}

/** A finding before the history-dependent fields (firstSeen, since) are filled in. */
interface Verdict {
  readonly resourceType: string | null;
  readonly status: ResourceStatus;
  readonly reasons: readonly ReasonCode[];
  readonly detail: string;
  readonly lastBackupTime: Date | null;
  readonly lastCopyTime: Date | null;
  readonly expectedBy: Date | null;
  /** Selected resources only: when an effective rule began to cover it (null while none does). */
  readonly coveredSince?: Date | null;
  /** Selected resources only: the newest finished policy job when it did not succeed, else null. */
  readonly lastPolicyJob?: PolicyJobRecord | null | undefined;
  /** Risks to come; absent means none. */
  readonly warnings?: readonly Warning[];
}

type Blocker = ResourceProblem;

const MINUTE_MS = 60_000;

export function evaluateTarget(input: EvaluateTargetInput): TargetEvaluation {
  const { desired, observed, org, history, now } = input;
  const checks = runChecks({ desired, observed, org, now });
  const reachability = observed.reachability;
  if (!reachability.ok) {
    const findings = [...history.entries()]
      .filter(([, known]) => known.accountId === observed.accountId && known.region === observed.region)
      .map(([arn, known]) =>
        finding(input, arn, known, null, {
          resourceType: classifyArn(arn).backupType,
          status: 'UNKNOWN',
          reasons: [reachability.reason],
          detail: `Not observed: ${reachability.message}`,
          // Not observed now is not "never backed up": the last known times stay.
          lastBackupTime: known.lastBackupTime ?? null,
          lastCopyTime: known.lastCopyTime ?? null,
          coveredSince: known.coveredSince ?? null,
          expectedBy: null,
        }),
      );
    return { findings, checks };
  }
  const risks = targetRisks(input);
  const untested = restoreWarnings(desired, observed, now);
  const findings = observed.resources.flatMap((resource) => {
    if (isConfirmedGone(observed, resource)) return [];
    const verdict = judge(input, resource, risks);
    if (!verdict) return [];
    const judged = finding(input, resource.arn, history.get(resource.arn), resource.tags, verdict);
    return [withWarnings(judged, untested.get(resource.arn) ?? [])];
  });
  return { findings, checks };
}

/**
 * The Tagging API returns deleted resources for a while (docs/aws-behaviour.md#tagging-getresources-coverage);
 * where the type's own listing was read in full and does not hold the resource, it is gone and gets no
 * finding (its stored one leaves as GONE, which never alerts).
 */
function isConfirmedGone(observed: ObservedTarget, resource: TaggedResource): boolean {
  const type = classifyArn(resource.arn).taggingFilter;
  return (
    type !== null &&
    (observed.typesListedInFull ?? []).includes(type) &&
    observed.resourceDetails[resource.arn] === undefined
  );
}

function finding(
  { desired, observed, now }: EvaluateTargetInput,
  arn: string,
  known: ResourceHistory | undefined,
  /** null: not observed now; a waiver by tag then holds as history knew it. */
  tags: Readonly<Record<string, string>> | null,
  verdict: Verdict,
): ResourceFinding {
  const since = known && known.status === verdict.status ? known.since : now;
  const waiver =
    waiverFor(desired.exceptions, { accountId: observed.accountId, arn, tags }, now) ??
    (tags === null && known?.waiver && isWaiverActive(known.waiver, now) ? known.waiver : null);
  return {
    accountId: observed.accountId,
    region: observed.region,
    arn,
    resourceType: verdict.resourceType,
    status: verdict.status,
    reasons: verdict.reasons,
    detail: verdict.detail,
    ...warningFields(verdict.warnings ?? []),
    lastBackupTime: verdict.lastBackupTime?.toISOString() ?? null,
    lastCopyTime: verdict.lastCopyTime?.toISOString() ?? null,
    expectedBy: verdict.expectedBy?.toISOString() ?? null,
    firstSeen: (known?.firstSeen ?? now).toISOString(),
    coveredSince: verdict.coveredSince?.toISOString() ?? null,
    since: since.toISOString(),
    ...(verdict.lastPolicyJob ? { lastPolicyJob: verdict.lastPolicyJob } : {}),
    ...(waiver ? { waiver } : {}),
  };
}

function judge(input: EvaluateTargetInput, resource: TaggedResource, risks: TargetRisks): Verdict | null {
  const { desired, observed } = input;
  const { tagKey, tagValue } = desired.selection;
  const match = matchSelection(resource.tags, desired.selection);
  if (!match.selected && match.nearMiss === null) return null;
  const type = classifyArn(resource.arn);
  const index = indexOf(observed, input.desired);
  const protectedEntry = index.protectedEntries.get(resource.arn);
  const base = {
    resourceType: protectedEntry?.resourceType ?? resourceTypeHere(observed, resource.arn),
    lastBackupTime: index.policyBackups.get(resource.arn) ?? null,
    lastCopyTime: newestCentralCopy(input, resource.arn),
    expectedBy: null,
  };
  const nearMiss = match.selected ? null : match.nearMiss;
  const expectedTag = `${tagKey}=${tagValue}`;
  if (!type.supported) {
    return {
      ...base,
      status: 'UNPROTECTED',
      reasons: nearMiss ? ['UNSUPPORTED_RESOURCE_TYPE', 'TAG_VALUE_MISMATCH'] : ['UNSUPPORTED_RESOURCE_TYPE'],
      detail: `AWS Backup cannot back up ${type.service} resources of this kind, whatever their tags.`,
    };
  }
  if (nearMiss) {
    return {
      ...base,
      status: 'UNPROTECTED',
      reasons: ['TAG_VALUE_MISMATCH'],
      detail: `Tagged ${nearMiss.key}=${nearMiss.value}, which is not selected (${nearMiss.why}); the policy selects exactly ${expectedTag}.`,
    };
  }
  const keyRisk = keyDeletionRisk(input, {
    backupType: base.resourceType,
    resourceKeyArns: resourceKeyArns(input.observed, resource.arn),
    lastPolicyBackup: base.lastBackupTime,
  });
  const verdict = withOutsideBackups(judgeSelected(input, resource, base, keyRisk), protectedEntry);
  return { ...verdict, warnings: warningsOf(input, resource, verdict, risks, keyRisk) };
}

/** What threatens every resource backed up here, found once per target. */
interface TargetRisks {
  readonly lockDates: readonly LockBecomingImmutable[];
  readonly retentionCliff: RetentionCliff;
}

function targetRisks({ desired, observed, now }: EvaluateTargetInput): TargetRisks {
  return {
    lockDates: locksBecomingImmutable(desired, observed, now),
    retentionCliff: retentionCliff(desired, observed),
  };
}

/**
 * Risks to come for a selected resource that a backup rule covers in a managed Region: a lock of a vault
 * its backups or copies go to turning immutable soon, and retentions that vault's lock will reject. A
 * reason the status already gives is not repeated as a warning.
 */
function warningsOf(
  { desired, observed }: EvaluateTargetInput,
  resource: TaggedResource,
  verdict: Verdict,
  risks: TargetRisks,
  keyRisk: KeyDeletionRisk,
): Warning[] {
  const coverage = coverageOf(observed, resource);
  if (!coverage.covered || !desired.regions.includes(observed.region)) return [];
  const copies = coverage.rules.some((rule) => copiesToCentral(rule, desired, observed.region));
  const central = centralVaultFor(desired, observed.region)?.name;
  const lockDates = risks.lockDates
    .filter(({ vaultName }) => vaultName === desired.vault.name || (copies && vaultName === central))
    .map((lock) => ({ code: 'LOCK_BECOMES_IMMUTABLE' as const, why: describeLockDate(lock) }));
  const cliff = verdict.reasons.includes('LOCK_RETENTION_CONFLICT')
    ? []
    : retentionCliffWarning(risks.retentionCliff, desired.vault.name);
  const keys = keyRisk.warnings.filter(
    (warning) => !verdict.reasons.some((reason) => reason === warning.code),
  );
  const centralKey =
    copies && central
      ? centralVaultKeyWarnings(
          centralVaultKeyHere(observed) ?? observed.centralVaultKey,
          central,
          verdict.lastCopyTime,
        )
      : [];
  return [...keys, ...centralKey, ...lockDates, ...cliff];
}

/** Backups made outside the policy, newer than its own, are named on any verdict but PROTECTED. */
function withOutsideBackups(verdict: Verdict, entry: ProtectedResource | undefined): Verdict {
  const outside = entry?.lastBackupTime;
  if (verdict.status === 'PROTECTED' || !outside) return verdict;
  if (verdict.lastBackupTime !== null && outside <= verdict.lastBackupTime) return verdict;
  const where = entry.lastBackupVaultArn ? ` in vault ${entry.lastBackupVaultArn}` : '';
  return {
    ...verdict,
    reasons: [...verdict.reasons, 'BACKED_UP_OUTSIDE_POLICY'],
    detail: `${verdict.detail} A backup made outside the policy exists (${outside.toISOString()}${where}); it does not count.`,
  };
}

function judgeSelected(
  input: EvaluateTargetInput,
  resource: TaggedResource,
  given: Pick<Verdict, 'resourceType' | 'lastBackupTime' | 'lastCopyTime'>,
  keyRisk: KeyDeletionRisk,
): Verdict {
  const { desired, observed, history, now } = input;
  const coverage = coverageOf(observed, resource);
  const rules = coverage.covered ? coverage.rules : [];
  const problems = resourceProblems(desired, observed, resource, rules);
  const copyProblems = problems.filter(stopsOnlyCopies);
  const blockers = blockersOf(
    input,
    resource,
    rules,
    coverage.covered ? null : coverage,
    problems.filter((problem) => !stopsOnlyCopies(problem)),
  );
  // Expected-by counts from when an effective rule began to cover the resource, not from when it was first
  // seen: a resource tagged long before the policy reached it is PENDING for one cycle, not overdue at once.
  const coveredSince = coverage.covered ? (history.get(resource.arn)?.coveredSince ?? now) : null;
  const base = { ...given, coveredSince };
  const lastBackup = base.lastBackupTime;

  const policyJob = lastPolicyJob(
    jobsOf(observed, resource.arn),
    desired,
    observed.region,
    history.get(resource.arn)?.lastPolicyJob,
  );
  const jobFailure = policyJob ? failedPolicyJob(policyJob, lastBackup, observed) : null;
  const keptJob = jobFailure && policyJob ? { lastPolicyJob: policyJob } : {};
  // Recovery points that cannot be restored protect nothing, whatever the jobs say.
  if (keyRisk.unrestorable) {
    return {
      ...base,
      ...keptJob,
      expectedBy: null,
      status: 'UNPROTECTED',
      reasons: ['KMS_KEY_PENDING_DELETION'],
      detail: keyRisk.unrestorable.detail,
    };
  }
  if (jobFailure) return { ...base, ...keptJob, expectedBy: null, ...withCauses(jobFailure, blockers) };
  const failedCopy = failedLatestCopy(input, resource.arn);
  if (failedCopy) {
    return { ...base, expectedBy: null, ...withCauses(failedCopy, [...blockers, ...copyProblems]) };
  }

  if (lastBackup === null) {
    const due =
      coveredSince !== null && rules.length > 0
        ? orNullWhenNoRun(() => expectedBy(rules, coveredSince))
        : null;
    if (due !== null && now < due) {
      return {
        ...base,
        expectedBy: due,
        status: 'PENDING',
        reasons: ['AWAITING_FIRST_BACKUP', ...blockers.map((blocker) => blocker.reason)],
        detail: `Newly covered; the first backup is due by ${due.toISOString()}.${describe(blockers, ' Already blocked by: ')}`,
      };
    }
    return {
      ...base,
      expectedBy: due,
      status: 'UNPROTECTED',
      reasons: blockers.length > 0 ? blockers.map((blocker) => blocker.reason) : ['BACKUP_OVERDUE'],
      detail:
        (due === null
          ? 'No recovery point, and no effective backup rule will create one.'
          : `No recovery point, though the first backup was due by ${due.toISOString()}.`) +
        describe(blockers, ' Cause: '),
    };
  }

  const timingRules: readonly RuleTiming[] = rules.length > 0 ? rules : desired.plans;
  const allowedMs = orNullWhenNoRun(() => allowedAgeMs(timingRules, now));
  const nextDue = allowedMs === null ? null : new Date(lastBackup.getTime() + allowedMs);
  const copyStale = isCopyStale(input, rules, base.lastCopyTime, coveredSince ?? now);
  const copyReasons: ReasonCode[] = copyStale
    ? ['COPY_MISSING', ...copyProblems.map((problem) => problem.reason)]
    : [];
  const copyDetail = copyStale
    ? ` ${describeCopy(input, base.lastCopyTime)}${describe(copyProblems, ' Cause: ')}`
    : '';
  if (nextDue !== null && now > nextDue) {
    return {
      ...base,
      expectedBy: nextDue,
      status: 'STALE',
      reasons: [
        ...(blockers.length > 0
          ? blockers.map((blocker) => blocker.reason)
          : ['RECOVERY_POINT_STALE' as const]),
        ...copyReasons,
      ],
      detail:
        `The newest recovery point (${lastBackup.toISOString()}) is older than allowed; one was due by ` +
        `${nextDue.toISOString()}.${describe(blockers, ' Cause: ')}${copyDetail}`,
    };
  }
  if (copyStale) {
    return { ...base, expectedBy: nextDue, status: 'STALE', reasons: copyReasons, detail: copyDetail.trim() };
  }
  return {
    ...base,
    expectedBy: nextDue,
    status: 'PROTECTED',
    reasons: [],
    detail: `Backed up at ${lastBackup.toISOString()}, within the allowed age.`,
  };
}

/**
 * A failure's causes: those AWS's own message names, then whatever observation finds in the way (a missing
 * vault, a lock the retention does not fit, a source key the central account may not use…), since most job
 * messages are wording AWS never published. A copy refused for want of a shared key is
 * SOURCE_KEY_NOT_SHAREABLE when the observed key is AWS-managed: no key policy can fix that.
 */
function withCauses(
  failure: Pick<Verdict, 'status' | 'reasons' | 'detail'>,
  causes: readonly Blocker[],
): Pick<Verdict, 'status' | 'reasons' | 'detail'> {
  if (failure.reasons.includes('BACKUP_INCOMPLETE')) return failure;
  const known = new Set(causes.map((cause) => cause.reason));
  const superseded = (reason: ReasonCode) =>
    reason === 'SOURCE_KEY_NOT_SHARED' && known.has('SOURCE_KEY_NOT_SHAREABLE');
  const found = causes.filter((cause) => !failure.reasons.includes(cause.reason));
  return {
    ...failure,
    reasons: [
      ...failure.reasons.filter((reason) => !superseded(reason)),
      ...found.map((cause) => cause.reason),
    ],
    detail: `${failure.detail}${describe(found, ' Found: ')}`,
  };
}

function describe(blockers: readonly Blocker[], prefix: string): string {
  return blockers.length > 0 ? `${prefix}${blockers.map((blocker) => blocker.why).join('; ')}.` : '';
}

function blockersOf(
  { desired, observed, org }: EvaluateTargetInput,
  resource: TaggedResource,
  rules: readonly EffectiveRule[],
  coverageGap: { readonly gap: ReasonCode; readonly detail: string } | null,
  /** What about the resource itself stops its backups (resourceProblems, copy-only ones left out). */
  backupProblems: readonly ResourceProblem[],
): Blocker[] {
  const blockers: Blocker[] = [];
  if (coverageGap) blockers.push({ reason: coverageGap.gap, why: coverageGap.detail.replace(/\.$/, '') });
  // A Region the config only scans is never prepared (no vault, role or opt-in is observed there), so the
  // only thing to say is why the policy does not reach it.
  if (!desired.regions.includes(observed.region)) return blockers;
  const backupType = resourceTypeHere(observed, resource.arn);
  if (backupType !== null && isOptedOut(observed, backupType)) {
    blockers.push({
      reason: 'OPT_IN_DISABLED',
      why: `Region opt-in for ${backupType} is off in ${observed.region}`,
    });
  }
  const vaultName = desired.vault.name;
  if (observed.vault === null && rules.some((rule) => rule.vaultName === vaultName)) {
    blockers.push({ reason: 'VAULT_MISSING', why: `backup vault ${vaultName} does not exist` });
  }
  if (!observed.backupRole.exists || !observed.backupRole.trustsBackup) {
    blockers.push({
      reason: 'BACKUP_ROLE_MISSING',
      why: `backup role ${desired.backupRole.name} ${observed.backupRole.exists ? 'does not trust AWS Backup' : 'does not exist'}`,
    });
  }
  const key = vaultKey(observed);
  if (key && !isUsableKey(key)) {
    blockers.push({ reason: 'KMS_KEY_PENDING_DELETION', why: `vault key ${key.arn} is ${key.state}` });
  }
  blockers.push(...backupProblems);
  const conflicts = lockRetentionConflicts(observed.vault, rules);
  if (conflicts.length > 0) blockers.push({ reason: 'LOCK_RETENTION_CONFLICT', why: conflicts.join('; ') });
  if (
    rules.some((rule) => copiesToCentral(rule, desired, observed.region)) &&
    org.crossAccountBackupEnabled === false
  ) {
    blockers.push({
      reason: 'CROSS_ACCOUNT_BACKUP_DISABLED',
      why: 'cross-account backup is off for the organization',
    });
  }
  return blockers;
}

/** What the central vault, as the org phase last read it, holds of the resource. */
function describeCopy({ desired, observed }: EvaluateTargetInput, lastCopy: Date | null): string {
  const vault = centralVaultFor(desired, observed.region)?.arn;
  const read = observed.centralCopies
    ? ` (read ${observed.centralCopies.observedAt.toISOString()})`
    : ' (not read yet)';
  return lastCopy === null
    ? `No copy of the policy's in the central vault ${vault}${read}.`
    : `The newest copy in the central vault ${vault}${read} holds the backup of ${lastCopy.toISOString()}, older than allowed.`;
}

function isCopyStale(
  { desired, observed, now }: EvaluateTargetInput,
  rules: readonly EffectiveRule[],
  lastCopy: Date | null,
  coveredSince: Date,
): boolean {
  const copyRules = rules.filter((rule) => copiesToCentral(rule, desired, observed.region));
  if (copyRules.length === 0) return false;
  const allowedMs = orNullWhenNoRun(() => allowedAgeMs(copyRules, now));
  if (allowedMs === null) return false;
  const copyWindowMs = Math.max(...copyRules.map((rule) => rule.completionWindowMinutes)) * MINUTE_MS;
  return now.getTime() - (lastCopy ?? coveredSince).getTime() > allowedMs + copyWindowMs;
}

/** Schedules that never run (again) have no due time; anything else wrong with a schedule is a real error. */
function orNullWhenNoRun<T>(compute: () => T): T | null {
  try {
    return compute();
  } catch (error) {
    if (error instanceof NoScheduledRunError) return null;
    throw error;
  }
}
