import { parseSchedule, type Schedule } from '../shared/domain/schedule.js';
import { Agenda } from './agenda.js';
import type { SimPlan, SimPlanRule, SimPlanSelection } from './effective-policy.js';
import type { EventRouter } from './events.js';
import { backupPolicyTypeStatus, effectivePlansOf, orgPathOf } from './organization.js';
import { arnMatchesPattern, DEFAULT_OPT_IN, parseArn } from './resource-types.js';
import {
  type CopyActionSpec,
  type JobOrigin,
  type SimAccount,
  type SimBackupJob,
  type SimCopyJob,
  type SimKey,
  type SimRegion,
  type SimResource,
  type SimState,
  type SimVault,
  uuidFrom,
} from './state.js';

/**
 * Org-managed backup plans running on the simulated clock. At each scheduled run of an effective rule, every
 * selected resource in every listed Region gets a backup job that starts inside the start window and ends
 * inside the completion window, or fails for the reason AWS would give. Resources that are not selected
 * (type not opted in, Region not listed, tag value not an exact match) simply get no job.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const AWS_MIN_RETENTION_DAYS = 1;
const AWS_MAX_RETENTION_DAYS = 36500;

interface DueRule {
  readonly accountId: string;
  readonly plan: SimPlan;
  readonly rule: SimPlanRule;
}

export function orgPlanIdentity(accountId: string, region: string, planName: string, revision: number) {
  const backupPlanId = `orgs/${uuidFrom(`plan:${accountId}:${planName}`)}`;
  return {
    backupPlanId,
    backupPlanArn: `arn:aws:backup:${region}:${accountId}:backup-plan:${backupPlanId}`,
    versionId: uuidFrom(`version:${accountId}:${planName}:${revision}`).replaceAll('-', '').slice(0, 32),
  };
}

export class JobEngine {
  private readonly agenda = new Agenda();
  private readonly schedules = new Map<string, Schedule | null>();
  /** Scheduled runs up to and including this instant have been started. */
  private runCursor: Date;
  private nextRunCache?: { key: string; at: number | undefined; due: DueRule[] };

  constructor(
    private readonly state: SimState,
    private readonly events: EventRouter,
  ) {
    this.runCursor = state.now;
  }

  /** Queues `run` at simulated time `at` (timeline entries and job transitions). */
  at(at: Date, run: () => void): void {
    this.agenda.add(at, run);
  }

  /** Runs everything due up to `until` in time order; on ties queued work goes before scheduled runs. */
  advanceTo(until: Date): void {
    const limit = until.getTime();
    for (;;) {
      const itemAt = this.agenda.peekTime();
      const run = this.nextRun();
      const runAt = run.at ?? Number.POSITIVE_INFINITY;
      const nextAt = Math.min(itemAt ?? Number.POSITIVE_INFINITY, runAt);
      if (nextAt > limit) break;
      this.state.now = new Date(nextAt);
      if (itemAt !== undefined && itemAt <= runAt) {
        this.agenda.shift()?.run();
      } else {
        this.runCursor = new Date(runAt);
        for (const due of run.due) this.startRun(due);
      }
    }
    if (limit > this.state.now.getTime()) this.state.now = new Date(limit);
    if (limit > this.runCursor.getTime()) this.runCursor = new Date(limit);
  }

  private schedule(expression: string): Schedule | null {
    if (!this.schedules.has(expression)) {
      let parsed: Schedule | null = null;
      try {
        parsed = parseSchedule(expression);
      } catch {
        // An invalid expression makes the plan invalid: AWS runs nothing for it.
      }
      this.schedules.set(expression, parsed);
    }
    return this.schedules.get(expression) ?? null;
  }

  private nextRun(): { at: number | undefined; due: DueRule[] } {
    const status = backupPolicyTypeStatus(this.state);
    const key = `${this.state.organization.policyRevision}:${this.runCursor.getTime()}:${status}`;
    if (this.nextRunCache?.key === key) return this.nextRunCache;
    let at: number | undefined;
    let due: DueRule[] = [];
    const nextByExpression = new Map<string, number | undefined>();
    for (const account of this.state.organization.accounts.values()) {
      for (const plan of effectivePlansOf(this.state, account.id)) {
        for (const rule of plan.rules) {
          if (!nextByExpression.has(rule.schedule)) {
            const schedule = this.schedule(rule.schedule);
            let next: number | undefined;
            try {
              next = schedule?.next(this.runCursor).getTime();
            } catch {
              next = undefined;
            }
            nextByExpression.set(rule.schedule, next);
          }
          const next = nextByExpression.get(rule.schedule);
          if (next === undefined) continue;
          if (at === undefined || next < at) {
            at = next;
            due = [];
          }
          if (next === at) due.push({ accountId: account.id, plan, rule });
        }
      }
    }
    this.nextRunCache = { key, at, due };
    return this.nextRunCache;
  }

  private startRun({ accountId, plan, rule }: DueRule): void {
    const account = this.state.account(accountId);
    if (!account) return;
    for (const region of plan.regions) {
      const regionState = this.state.region(accountId, region);
      const identity = orgPlanIdentity(accountId, region, plan.name, this.state.organization.policyRevision);
      const origin: JobOrigin = {
        backupPlanId: identity.backupPlanId,
        backupPlanArn: identity.backupPlanArn,
        backupPlanName: plan.name,
        backupPlanVersion: identity.versionId,
        backupRuleId: uuidFrom(`rule:${accountId}:${plan.name}:${rule.name}`),
        backupRuleName: rule.name,
        backupRuleCron: rule.schedule,
      };
      for (const resource of this.resourcesIn(accountId, region)) {
        const selection = plan.selections.find((candidate) => selects(candidate, resource, regionState));
        if (selection && resource.resourceType)
          this.createBackupJob(regionState, resource, rule, selection.roleArn, origin);
      }
    }
  }

  private resourcesIn(accountId: string, region: string): SimResource[] {
    return [...this.state.resources.values()].filter(
      (r) => r.accountId === accountId && r.region === region && !r.deleted,
    );
  }

  private createBackupJob(
    region: SimRegion,
    resource: SimResource,
    rule: SimPlanRule,
    iamRoleArn: string,
    origin: JobOrigin,
  ): void {
    const now = this.state.now.getTime();
    const startWindowMs = rule.startWindowMinutes * MINUTE_MS;
    const completionWindowMs = rule.completionWindowMinutes * MINUTE_MS;
    const startDelay =
      this.state.rng.int(1, Math.max(1, Math.min(60, rule.startWindowMinutes - 1))) * MINUTE_MS;
    const duration =
      this.state.rng.int(5, Math.max(5, Math.min(90, rule.completionWindowMinutes - 1))) * MINUTE_MS;
    const job: SimBackupJob = {
      jobId: this.state.nextId('backup-job', 32).toUpperCase(),
      accountId: region.accountId,
      region: region.region,
      resourceArn: resource.arn,
      resourceType: resource.resourceType ?? '',
      vaultName: rule.vaultName,
      vaultArn: vaultArn(region.region, region.accountId, rule.vaultName),
      iamRoleArn,
      createdBy: origin,
      creationDate: this.state.now,
      startBy: new Date(now + startWindowMs),
      expectedCompletionDate: new Date(now + startDelay + completionWindowMs),
      deleteAfterDays: rule.deleteAfterDays,
      copyActions: rule.copyActions,
      state: 'CREATED',
      backupSizeInBytes: 0,
      percentDone: 0,
    };
    region.backupJobs.push(job);
    this.emitBackupJob(job);
    this.at(new Date(now + startDelay), () => this.startBackupJob(job, duration));
  }

  private startBackupJob(job: SimBackupJob, duration: number): void {
    const failure = this.backupFailure(job);
    if (failure) {
      this.finishBackupJob(job, 'FAILED', failure);
      return;
    }
    job.state = 'RUNNING';
    this.emitBackupJob(job);
    const startedAt = this.state.now;
    this.at(new Date(startedAt.getTime() + duration), () => this.completeBackupJob(job, startedAt));
  }

  private completeBackupJob(job: SimBackupJob, startedAt: Date): void {
    const region = this.state.region(job.accountId, job.region);
    const vault = region.vaults.get(job.vaultName);
    if (!vault) {
      this.finishBackupJob(job, 'FAILED', `Backup vault ${job.vaultName} does not exist.`);
      return;
    }
    job.backupSizeInBytes = this.state.rng.int(1, 500) * 1024 * 1024;
    const recoveryPointArn = recoveryPointArnFor(this.state, job.resourceArn, job.region, job.accountId);
    vault.recoveryPoints.push({
      arn: recoveryPointArn,
      vaultName: vault.name,
      vaultArn: vault.arn,
      resourceArn: job.resourceArn,
      resourceType: job.resourceType,
      creationDate: startedAt,
      completionDate: this.state.now,
      deleteAfterDays: job.deleteAfterDays,
      iamRoleArn: job.iamRoleArn,
      encryptionKeyArn: this.state.resources.get(job.resourceArn)?.kmsKeyArn ?? vault.encryptionKeyArn,
      backupSizeInBytes: job.backupSizeInBytes,
      backupPlanId: job.createdBy.backupPlanId,
    });
    recordProtected(region, job.resourceArn, job.resourceType, startedAt, vault.arn, recoveryPointArn);
    job.recoveryPointArn = recoveryPointArn;
    this.finishBackupJob(job, 'COMPLETED');
    for (const action of job.copyActions) this.createCopyJob(job, vault, action);
  }

  private finishBackupJob(job: SimBackupJob, state: 'COMPLETED' | 'FAILED', statusMessage?: string): void {
    job.state = state;
    job.statusMessage = statusMessage;
    job.completionDate = this.state.now;
    job.percentDone = state === 'COMPLETED' ? 100 : job.percentDone;
    this.emitBackupJob(job);
  }

  /** Why AWS Backup would fail this job when it starts, or null. The messages are a contract (README). */
  private backupFailure(job: SimBackupJob): string | null {
    const account = this.state.account(job.accountId);
    const region = this.state.region(job.accountId, job.region);
    const resource = this.state.resources.get(job.resourceArn);
    if (!account || !resource || resource.deleted) return `Resource ${job.resourceArn} was not found.`;
    const vault = region.vaults.get(job.vaultName);
    if (!vault) return `Backup vault ${job.vaultName} does not exist.`;
    if (!roleTrustsBackup(account, job.accountId, job.iamRoleArn)) {
      return `Unable to assume role ${job.iamRoleArn}. Verify that the role exists and trusts backup.amazonaws.com.`;
    }
    if (resource.kmsKeyArn) {
      const key = this.findKey(resource.kmsKeyArn);
      if (key?.state === 'PendingDeletion') return `KMS key ${key.arn} is pending deletion.`;
      if (key?.state !== 'Enabled' || !keyUsableBy(key, job.iamRoleArn)) {
        return `Given key ID is not accessible: ${resource.kmsKeyArn}`;
      }
    }
    const vaultKey = this.findKey(vault.encryptionKeyArn);
    if (vaultKey?.state === 'PendingDeletion') return `KMS key ${vaultKey.arn} is pending deletion.`;
    return lockConflict(vault, job.deleteAfterDays);
  }

  private createCopyJob(source: SimBackupJob, sourceVault: SimVault, action: CopyActionSpec): void {
    const region = this.state.region(source.accountId, source.region);
    const job: SimCopyJob = {
      jobId: this.state.nextId('copy-job', 32).toUpperCase(),
      accountId: source.accountId,
      region: source.region,
      resourceArn: source.resourceArn,
      resourceType: source.resourceType,
      sourceVaultArn: sourceVault.arn,
      sourceRecoveryPointArn: source.recoveryPointArn ?? '',
      destinationVaultArn: action.destinationVaultArn,
      deleteAfterDays: action.deleteAfterDays,
      iamRoleArn: source.iamRoleArn,
      createdBy: source.createdBy,
      createdByBackupJobId: source.jobId,
      creationDate: this.state.now,
      state: 'CREATED',
      backupSizeInBytes: source.backupSizeInBytes,
    };
    region.copyJobs.push(job);
    this.emitCopyJob(job);
    const startDelay = this.state.rng.int(1, 10) * MINUTE_MS;
    const duration = this.state.rng.int(5, 30) * MINUTE_MS;
    this.at(new Date(this.state.now.getTime() + startDelay), () => this.startCopyJob(job, duration));
  }

  private startCopyJob(job: SimCopyJob, duration: number): void {
    const failure = this.copyFailure(job);
    if (failure) {
      this.finishCopyJob(job, 'FAILED', failure);
      return;
    }
    job.state = 'RUNNING';
    this.emitCopyJob(job);
    const startedAt = this.state.now;
    this.at(new Date(startedAt.getTime() + duration), () => this.completeCopyJob(job, startedAt));
  }

  private completeCopyJob(job: SimCopyJob, startedAt: Date): void {
    const failure = this.copyFailure(job);
    const destination = this.vaultByArn(job.destinationVaultArn);
    if (failure || !destination) {
      this.finishCopyJob(
        job,
        'FAILED',
        failure ?? `Destination backup vault ${job.destinationVaultArn} does not exist.`,
      );
      return;
    }
    const destinationRegion = this.state.region(destination.accountId, destination.region);
    const arn = `arn:aws:backup:${destination.region}:${destination.accountId}:recovery-point:${this.state.rng.uuid()}`;
    destination.recoveryPoints.push({
      arn,
      vaultName: destination.name,
      vaultArn: destination.arn,
      resourceArn: job.resourceArn,
      resourceType: job.resourceType,
      creationDate: startedAt,
      completionDate: this.state.now,
      deleteAfterDays: job.deleteAfterDays,
      iamRoleArn: job.iamRoleArn,
      encryptionKeyArn: destination.encryptionKeyArn,
      backupSizeInBytes: job.backupSizeInBytes,
      sourceRecoveryPointArn: job.sourceRecoveryPointArn,
    });
    recordProtected(destinationRegion, job.resourceArn, job.resourceType, startedAt, destination.arn, arn);
    job.destinationRecoveryPointArn = arn;
    this.finishCopyJob(job, 'COMPLETED');
  }

  private finishCopyJob(job: SimCopyJob, state: 'COMPLETED' | 'FAILED', statusMessage?: string): void {
    job.state = state;
    job.statusMessage = statusMessage;
    job.completionDate = this.state.now;
    this.emitCopyJob(job);
  }

  private copyFailure(job: SimCopyJob): string | null {
    const destination = parseArn(job.destinationVaultArn);
    const crossAccount = destination?.accountId !== job.accountId;
    if (crossAccount && !this.state.organization.crossAccountBackupEnabled) {
      return 'Cross-account backup is not enabled for this organization.';
    }
    const vault = this.vaultByArn(job.destinationVaultArn);
    if (!vault) return `Destination backup vault ${job.destinationVaultArn} does not exist.`;
    if (crossAccount && !accessPolicyAllowsCopy(this.state, vault.accessPolicy, job.accountId)) {
      return `Access denied: the access policy of destination backup vault ${vault.arn} does not allow backup:CopyIntoBackupVault from this account.`;
    }
    return lockConflict(vault, job.deleteAfterDays);
  }

  private vaultByArn(arn: string): SimVault | undefined {
    const match = /^arn:aws:backup:([a-z0-9-]+):(\d{12}):backup-vault:(.+)$/.exec(arn);
    if (!match || !this.state.account(match[2]!)) return undefined;
    return this.state.region(match[2]!, match[1]!).vaults.get(match[3]!);
  }

  findKey(keyArn: string): SimKey | undefined {
    const parsed = parseArn(keyArn);
    if (!parsed || !this.state.account(parsed.accountId)) return undefined;
    const region = this.state.region(parsed.accountId, parsed.region);
    const keyId = keyArn.split('/').pop() ?? '';
    return region.keys.get(keyId);
  }

  private emitBackupJob(job: SimBackupJob): void {
    const isoOrUndefined = (date?: Date) => date?.toISOString();
    const detail: Record<string, unknown> =
      job.state === 'CREATED'
        ? { backupJobId: job.jobId, state: job.state, creationDate: job.creationDate.toISOString() }
        : {
            backupJobId: job.jobId,
            backupVaultArn: job.vaultArn,
            backupVaultName: job.vaultName,
            // Sizes arrive as strings in backup-job events (facts §4.1).
            bytesTransferred: String(job.backupSizeInBytes),
            backupSizeInBytes: String(job.backupSizeInBytes),
            creationDate: job.creationDate.toISOString(),
            completionDate: isoOrUndefined(job.completionDate),
            startBy: job.startBy.toISOString(),
            expectedCompletionDate: legacyEventDate(job.expectedCompletionDate),
            iamRoleArn: job.iamRoleArn,
            resourceArn: job.resourceArn,
            resourceType: job.resourceType,
            state: job.state,
            statusMessage: job.statusMessage ?? '',
            percentDone: job.percentDone,
            retryCount: 0,
            createdBy: {
              backupPlanId: job.createdBy.backupPlanId,
              backupPlanArn: job.createdBy.backupPlanArn,
              backupPlanVersion: job.createdBy.backupPlanVersion,
              backupPlanRuleId: job.createdBy.backupRuleId,
            },
          };
    this.events.emit(job.accountId, job.region, {
      source: 'aws.backup',
      detailType: 'Backup Job State Change',
      resources: job.state === 'COMPLETED' && job.recoveryPointArn ? [job.recoveryPointArn] : [],
      detail,
    });
  }

  private emitCopyJob(job: SimCopyJob): void {
    this.events.emit(job.accountId, job.region, {
      source: 'aws.backup',
      detailType: 'Copy Job State Change',
      resources: [job.sourceRecoveryPointArn],
      detail: {
        copyJobId: job.jobId,
        // A number here, unlike backup-job events (facts §4.1).
        backupSizeInBytes: job.backupSizeInBytes,
        creationDate: job.creationDate.toISOString(),
        ...(job.completionDate ? { completionDate: job.completionDate.toISOString() } : {}),
        iamRoleArn: job.iamRoleArn,
        resourceArn: job.resourceArn,
        resourceType: job.resourceType,
        sourceBackupVaultArn: job.sourceVaultArn,
        destinationBackupVaultArn: job.destinationVaultArn,
        // `{}` until the destination recovery point exists (facts §4.1).
        destinationRecoveryPointArn: job.destinationRecoveryPointArn ?? {},
        state: job.state,
        statusMessage: job.statusMessage ?? '',
        createdBy: {
          backupPlanId: job.createdBy.backupPlanId,
          backupPlanArn: job.createdBy.backupPlanArn,
          backupPlanVersion: job.createdBy.backupPlanVersion,
          backupPlanRuleId: job.createdBy.backupRuleId,
        },
      },
    });
  }
}

export const vaultArn = (region: string, accountId: string, name: string) =>
  `arn:aws:backup:${region}:${accountId}:backup-vault:${name}`;

/** Tag selections honour Region opt-in; explicit resource-type selections do not (facts §2.10). */
function selects(selection: SimPlanSelection, resource: SimResource, region: SimRegion): boolean {
  const type = resource.resourceType;
  if (!type) return false;
  if (selection.tag) {
    const value = resource.tags[selection.tag.key];
    const optedIn = region.optIn.get(type) ?? DEFAULT_OPT_IN[type] ?? false;
    return value !== undefined && selection.tag.values.includes(value) && optedIn;
  }
  const included = (selection.resourceTypes ?? []).some(
    (pattern) => pattern === '*' || arnMatchesPattern(resource.arn, pattern),
  );
  const excluded = (selection.notResourceTypes ?? []).some((pattern) =>
    arnMatchesPattern(resource.arn, pattern),
  );
  return included && !excluded;
}

export function roleTrustsBackup(account: SimAccount, accountId: string, roleArn: string): boolean {
  const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (!match || match[1] !== accountId) return false;
  const role = account.roles.get(match[2]!);
  return role ? trustPolicyAllowsService(role.trustPolicy, 'backup.amazonaws.com') : false;
}

export function trustPolicyAllowsService(document: string, service: string): boolean {
  const statements = statementsOf(document);
  return statements.some(
    (statement) =>
      statement.Effect === 'Allow' &&
      asList(statement.Action).some(
        (action) => action === 'sts:AssumeRole' || action === 'sts:*' || action === '*',
      ) &&
      asList((statement.Principal as { Service?: unknown } | undefined)?.Service).includes(service),
  );
}

function keyUsableBy(key: SimKey, roleArn: string): boolean {
  return key.manager === 'AWS' || key.grants.some((grant) => grant.granteePrincipal === roleArn);
}

function lockConflict(vault: SimVault, deleteAfterDays: number | null): string | null {
  const lock = vault.lock;
  if (!lock) return null;
  const min = lock.minRetentionDays ?? AWS_MIN_RETENTION_DAYS;
  const max = lock.maxRetentionDays ?? AWS_MAX_RETENTION_DAYS;
  const tooShort = deleteAfterDays !== null && deleteAfterDays < min;
  const tooLong = lock.maxRetentionDays !== undefined && (deleteAfterDays === null || deleteAfterDays > max);
  if (!tooShort && !tooLong) return null;
  const retention = deleteAfterDays === null ? 'unlimited' : String(deleteAfterDays);
  return `Lifecycle retention of ${retention} days is outside the range allowed by the vault lock on ${vault.name} (minimum ${min} days, maximum ${max} days).`;
}

/**
 * Whether a vault access policy lets `sourceAccountId` copy in: an Allow of backup:CopyIntoBackupVault for
 * that account's root, for `*` conditioned on the organization id, or on an org path the account sits under.
 */
export function accessPolicyAllowsCopy(
  state: SimState,
  policy: string | undefined,
  sourceAccountId: string,
): boolean {
  if (!policy) return false;
  const account = state.account(sourceAccountId);
  if (!account) return false;
  const orgPath = orgPathOf(state, account);
  return statementsOf(policy).some((statement) => {
    if (statement.Effect !== 'Allow') return false;
    const actions = asList(statement.Action);
    if (!actions.some((a) => a === 'backup:CopyIntoBackupVault' || a === 'backup:*' || a === '*'))
      return false;
    const principal = statement.Principal;
    const principals = principal === '*' ? ['*'] : asList((principal as { AWS?: unknown } | undefined)?.AWS);
    const namesAccount = principals.some(
      (p) => p === sourceAccountId || p === `arn:aws:iam::${sourceAccountId}:root`,
    );
    const condition = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
    const orgIds = Object.values(condition).flatMap((c) => asList(c['aws:PrincipalOrgID']));
    const orgPaths = Object.values(condition).flatMap((c) => asList(c['aws:PrincipalOrgPaths']));
    if (namesAccount) return true;
    if (!principals.includes('*')) return false;
    if (orgIds.includes(state.organization.id)) return true;
    return orgPaths.some((pattern) => arnMatchesPattern(orgPath, pattern));
  });
}

interface PolicyStatement {
  Effect?: string;
  Action?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

function statementsOf(document: string): PolicyStatement[] {
  try {
    const parsed = JSON.parse(document) as { Statement?: unknown };
    const statements = parsed.Statement;
    return (Array.isArray(statements) ? statements : statements ? [statements] : []) as PolicyStatement[];
  } catch {
    return [];
  }
}

const asList = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];

function recordProtected(
  region: SimRegion,
  resourceArn: string,
  resourceType: string,
  backupTime: Date,
  lastBackupVaultArn: string,
  lastRecoveryPointArn: string,
): void {
  region.protectedResources.set(resourceArn, {
    resourceArn,
    resourceType,
    lastBackupTime: backupTime,
    lastBackupVaultArn,
    lastRecoveryPointArn,
  });
}

function recoveryPointArnFor(
  state: SimState,
  resourceArn: string,
  region: string,
  accountId: string,
): string {
  const type = parseArn(resourceArn)?.taggingType;
  if (type === 'ec2:volume') return `arn:aws:ec2:${region}::snapshot/snap-${state.rng.hex(17)}`;
  if (type === 'ec2:instance') return `arn:aws:ec2:${region}::image/ami-${state.rng.hex(17)}`;
  return `arn:aws:backup:${region}:${accountId}:recovery-point:${state.rng.uuid()}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Backup's events print expectedCompletionDate like `Jul 15, 2020 9:39:07 PM` (facts §4.1), in UTC here. */
function legacyEventDate(date: Date): string {
  const month = MONTHS[date.getUTCMonth()];
  const hours = date.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${month} ${date.getUTCDate()}, ${date.getUTCFullYear()} ${hour12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}

export const RETENTION_WINDOW_MS = 30 * DAY_MS;
