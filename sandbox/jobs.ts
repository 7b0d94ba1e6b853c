import { Agenda } from './agenda.js';
import { type AwsCron, parseAwsCron } from './aws-cron.js';
import { BackupJobLifecycle } from './backup-jobs.js';
import { CopyJobLifecycle } from './copy-jobs.js';
import type { SimPlan, SimPlanRule, SimPlanSelection } from './effective-policy.js';
import type { EventRouter } from './events.js';
import { localPlanOrigin, serviceLinkedBackupRoleArn } from './local-plans.js';
import { findKey } from './lookup.js';
import { backupPolicyTypeStatus, effectivePlansOf } from './organization.js';
import { arnMatchesPattern, DEFAULT_OPT_IN } from './resource-types.js';
import {
  type JobOrigin,
  type SimKey,
  type SimRegion,
  type SimResource,
  type SimState,
  uuidFrom,
} from './state.js';

/**
 * Org-managed backup plans running on the simulated clock. At each scheduled run of an effective rule, every
 * selected resource in every listed Region gets a backup job that starts inside the start window and ends
 * inside the completion window, or fails for the reason AWS would give. Resources that are not selected
 * (type not opted in, Region not listed, tag value not an exact match) simply get no job.
 */

const DAY_MS = 24 * 60 * 60_000;

interface DueRule {
  readonly accountId: string;
  readonly plan: SimPlan;
  readonly rule: SimPlanRule;
  /** A plan the account made itself (team plan, EFS automatic backups), not the organization policy. */
  readonly local: boolean;
}

/** How on-demand backups are timed: AWS's one-hour default start window, a short completion window. */
const ON_DEMAND_RULE: Omit<SimPlanRule, 'vaultName'> = {
  name: 'on-demand',
  schedule: '',
  startWindowMinutes: 60,
  completionWindowMinutes: 180,
  deleteAfterDays: null,
  copyActions: [],
};

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
  private readonly schedules = new Map<string, AwsCron | null>();
  /** Scheduled runs up to and including this instant have been started. */
  private runCursor: Date;
  private nextRunCache?: { key: string; at: number | undefined; due: DueRule[] };
  private readonly backupJobs: BackupJobLifecycle;

  constructor(
    private readonly state: SimState,
    events: EventRouter,
  ) {
    this.runCursor = state.now;
    const clock = { state, events, at: (at: Date, run: () => void) => this.at(at, run) };
    this.backupJobs = new BackupJobLifecycle(clock, new CopyJobLifecycle(clock));
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

  private schedule(expression: string): AwsCron | null {
    if (!this.schedules.has(expression)) {
      let parsed: AwsCron | null = null;
      try {
        parsed = parseAwsCron(expression);
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
      const orgPlans = effectivePlansOf(this.state, account.id).map((plan) => ({ plan, local: false }));
      const localPlans = [...account.regions.values()].flatMap((region) =>
        region.localPlans.map((plan) => ({ plan, local: true })),
      );
      for (const { plan, local } of [...orgPlans, ...localPlans]) {
        for (const rule of plan.rules) {
          if (!nextByExpression.has(rule.schedule)) {
            const schedule = this.schedule(rule.schedule);
            nextByExpression.set(rule.schedule, schedule?.next(this.runCursor)?.getTime());
          }
          const next = nextByExpression.get(rule.schedule);
          if (next === undefined) continue;
          if (at === undefined || next < at) {
            at = next;
            due = [];
          }
          if (next === at) due.push({ accountId: account.id, plan, rule, local });
        }
      }
    }
    this.nextRunCache = { key, at, due };
    return this.nextRunCache;
  }

  /** A backup of one resource now, into a vault of its account and Region, made by no plan. */
  backUpNow(resource: SimResource, vaultName: string): void {
    const region = this.state.region(resource.accountId, resource.region);
    const rule = { ...ON_DEMAND_RULE, vaultName };
    this.backupJobs.create(region, resource, rule, serviceLinkedBackupRoleArn(resource.accountId), undefined);
  }

  private startRun({ accountId, plan, rule, local }: DueRule): void {
    const account = this.state.account(accountId);
    if (!account) return;
    for (const region of plan.regions) {
      const regionState = this.state.region(accountId, region);
      const origin = local
        ? localPlanOrigin(accountId, region, plan, rule.name)
        : this.orgPlanOrigin(accountId, region, plan, rule);
      for (const resource of this.resourcesIn(accountId, region)) {
        const selection = plan.selections.find((candidate) => selects(candidate, resource, regionState));
        if (selection && resource.resourceType)
          this.backupJobs.create(regionState, resource, rule, selection.roleArn, origin);
      }
    }
  }

  private orgPlanOrigin(accountId: string, region: string, plan: SimPlan, rule: SimPlanRule): JobOrigin {
    const identity = orgPlanIdentity(accountId, region, plan.name, this.state.organization.policyRevision);
    return {
      backupPlanId: identity.backupPlanId,
      backupPlanArn: identity.backupPlanArn,
      backupPlanName: plan.name,
      backupPlanVersion: identity.versionId,
      backupRuleId: uuidFrom(`rule:${accountId}:${plan.name}:${rule.name}`),
      backupRuleName: rule.name,
      backupRuleCron: rule.schedule,
    };
  }

  private resourcesIn(accountId: string, region: string): SimResource[] {
    return [...this.state.resources.in(accountId, region)].filter((r) => !r.deleted);
  }

  findKey(keyArn: string): SimKey | undefined {
    return findKey(this.state, keyArn);
  }
}

/** Tag selections honour Region opt-in; explicit resource-type selections do not (docs/aws-behaviour.md#region-opt-in). */
function selects(selection: SimPlanSelection, resource: SimResource, region: SimRegion): boolean {
  const type = resource.resourceType;
  if (!type) return false;
  if (selection.tag) {
    // Tag selections back up ONTAP volumes, never the file system (docs/aws-behaviour.md#fsx-ontap-volumes).
    if (resource.fileSystemType === 'ONTAP') return false;
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

export const RETENTION_WINDOW_MS = 30 * DAY_MS;
