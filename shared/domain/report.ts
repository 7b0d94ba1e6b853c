import { ACTION_CATALOG } from './actions.js';
import type {
  Action,
  ActionRecord,
  ComplianceReport,
  Mode,
  ReportSummary,
  ResourceFinding,
  ResourceStatus,
  TargetChecks,
  WaivedSummary,
} from './model.js';
import { CHECK_IDS, RESOURCE_STATUSES } from './model.js';

/**
 * Counts by status and the coverage: PROTECTED findings as a share of all findings, in percent with one
 * decimal. With no findings there is nothing tagged and therefore nothing uncovered, so coverage is 100 —
 * an empty organization must not page anyone. `accounts` counts the distinct account ids given (the accounts
 * in scope, including those without tagged resources).
 */
export function summarize(
  findings: readonly ResourceFinding[],
  accountIds: readonly string[],
): ReportSummary {
  const byStatus = countStatuses(findings);
  const waived = waivedSummary(
    byStatus,
    findings.length,
    countStatuses(findings.filter((finding) => finding.waiver)),
  );
  return {
    accounts: new Set(accountIds).size,
    resources: findings.length,
    byStatus,
    coveragePercent: coveragePercent(byStatus, findings.length),
    ...(waived ? { waived } : {}),
  };
}

function countStatuses(findings: readonly ResourceFinding[]): Record<ResourceStatus, number> {
  const counts = Object.fromEntries(RESOURCE_STATUSES.map((status) => [status, 0])) as Record<
    ResourceStatus,
    number
  >;
  for (const finding of findings) counts[finding.status] += 1;
  return counts;
}

/**
 * The waived findings apart, and how coverage reads without them: PROTECTED ones not waived as a share of
 * all findings not waived. null when nothing is waived.
 */
export function waivedSummary(
  byStatus: Readonly<Record<ResourceStatus, number>>,
  resources: number,
  waivedByStatus: Readonly<Record<ResourceStatus, number>>,
): WaivedSummary | null {
  const waived = RESOURCE_STATUSES.reduce((sum, status) => sum + waivedByStatus[status], 0);
  if (waived === 0) return null;
  const remaining = Object.fromEntries(
    RESOURCE_STATUSES.map((status) => [status, byStatus[status] - waivedByStatus[status]]),
  ) as Record<ResourceStatus, number>;
  return {
    resources: waived,
    byStatus: { ...waivedByStatus },
    coveragePercentWithoutWaived: coveragePercent(remaining, resources - waived),
  };
}

/** PROTECTED as a share of all resources, in percent with one decimal; nothing to protect is full coverage. */
export function coveragePercent(
  byStatus: Readonly<Record<ResourceStatus, number>>,
  resources: number,
): number {
  return resources === 0 ? 100 : Math.round((byStatus.PROTECTED / resources) * 1000) / 10;
}

export interface ReportInput {
  readonly generatedAt: Date;
  readonly mode: Mode;
  readonly findings: readonly ResourceFinding[];
  readonly targetChecks: readonly TargetChecks[];
  /** Action records, oldest first within a target. */
  readonly actions: readonly ActionRecord[];
  readonly accountIds: readonly string[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The report in one deterministic order: resources by account, Region, ARN; targets by account, Region, with
 * checks in CHECK_IDS order; actions org-first, then by account and Region, keeping execution order within a
 * target (the sort is stable).
 */
export function buildReport(input: ReportInput): ComplianceReport {
  const at = input.generatedAt.toISOString();
  const resources = [...input.findings].sort(
    (a, b) => byText(a.accountId, b.accountId) || byText(a.region, b.region) || byText(a.arn, b.arn),
  );
  const accounts = [...input.targetChecks]
    .sort((a, b) => byText(a.accountId, b.accountId) || byText(a.region, b.region))
    .map((target) => ({
      ...target,
      checks: [...target.checks].sort((a, b) => CHECK_IDS.indexOf(a.check) - CHECK_IDS.indexOf(b.check)),
    }));
  const isMember = (record: ActionRecord) => Number(ACTION_CATALOG[record.kind].scope !== 'org');
  const actions = [...input.actions].sort(
    (a, b) => isMember(a) - isMember(b) || byText(a.accountId, b.accountId) || byText(a.region, b.region),
  );
  return {
    generatedAt: at,
    mode: input.mode,
    summary: summarize(input.findings, input.accountIds),
    resources,
    accounts,
    actions,
  };
}

/** The stored and reported form of an action (no spec or permissions: those are for the executor and infra). */
export function toActionRecord(action: Action, at: Date): ActionRecord {
  return {
    kind: action.spec.kind,
    accountId: action.accountId,
    region: action.region,
    target: action.target,
    reason: action.reason,
    applied: action.applied,
    ...(action.blocked ? { blocked: action.blocked } : {}),
    ...(action.error ? { error: action.error } : {}),
    at: at.toISOString(),
  };
}
