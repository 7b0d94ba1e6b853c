import type { ActionRecord, FindingTransition } from '../domain/model.js';

export type Severity = 'critical' | 'warning' | 'info';

export const ALERT_KINDS = [
  'RESOURCE_DEGRADED',
  'CHECK_FAILED',
  'ACTION_FAILED',
  'ACTION_BLOCKED',
  'DRIFT_REPAIRED',
  'RESOURCE_RECOVERED',
  'CHECK_RECOVERED',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** One thing worth telling a person about, within an account's alert. */
export interface AlertItem {
  readonly kind: AlertKind;
  readonly severity: Severity;
  readonly region: string;
  /** A resource ARN, a check id, or an action's target. */
  readonly subject: string;
  /** Short status words, e.g. `PROTECTED → FAILING` or `CreateBackupVault`. */
  readonly change: string;
  readonly reasons: readonly string[];
  readonly detail: string;
}

/** Everything worth telling about one account in one run: one message, however many resources changed. */
export interface AccountAlert {
  readonly runId: string;
  readonly accountId: string;
  readonly at: string;
  /** The highest severity among the items. */
  readonly severity: Severity;
  readonly items: readonly AlertItem[];
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, warning: 1, info: 2 };
const BAD_RESOURCE_STATUSES: Readonly<Record<string, Severity>> = {
  UNPROTECTED: 'critical',
  FAILING: 'critical',
  STALE: 'warning',
  UNKNOWN: 'warning',
};

/**
 * Which transitions are worth an alert. Into a bad status (from anywhere, first sight included), a check
 * into FAIL, and recoveries from a bad state. New PENDING/PROTECTED resources, GONE and SKIPPED are not.
 */
export function classifyTransition(transition: FindingTransition): AlertItem | null {
  const { region, from, to, reasons, detail } = transition;
  const change = `${from ?? 'NEW'} → ${to}`;
  if (transition.subject.kind === 'resource') {
    const subject = transition.subject.arn;
    const badSeverity = BAD_RESOURCE_STATUSES[to];
    if (badSeverity) {
      return { kind: 'RESOURCE_DEGRADED', severity: badSeverity, region, subject, change, reasons, detail };
    }
    if (to === 'PROTECTED' && from !== null && BAD_RESOURCE_STATUSES[from]) {
      return { kind: 'RESOURCE_RECOVERED', severity: 'info', region, subject, change, reasons, detail };
    }
    return null;
  }
  const subject = transition.subject.check;
  if (to === 'FAIL')
    return { kind: 'CHECK_FAILED', severity: 'critical', region, subject, change, reasons, detail };
  if (to === 'PASS' && from === 'FAIL') {
    return { kind: 'CHECK_RECOVERED', severity: 'info', region, subject, change, reasons, detail };
  }
  return null;
}

export function classifyAction(action: ActionRecord): AlertItem | null {
  const base = { region: action.region, subject: action.target, change: action.kind, reasons: [] };
  if (action.applied) return { ...base, kind: 'DRIFT_REPAIRED', severity: 'info', detail: action.reason };
  if (action.error) {
    return {
      ...base,
      kind: 'ACTION_FAILED',
      severity: 'critical',
      detail: `${action.reason} The repair failed: ${action.error.code}: ${action.error.message}`,
    };
  }
  if (action.blocked) {
    return {
      ...base,
      kind: 'ACTION_BLOCKED',
      severity: 'warning',
      reasons: [action.blocked.by],
      detail: `${action.reason} Not applied: ${action.blocked.message}`,
    };
  }
  return null;
}

/**
 * One alert per account with every alert-worthy change of the run. Pure: the caller passes the transitions
 * and new action events the store reported, so an unchanged finding (no transition) never alerts again.
 */
export function buildAlerts(input: {
  readonly runId: string;
  readonly transitions: readonly FindingTransition[];
  readonly actions: readonly ActionRecord[];
  readonly now: Date;
}): AccountAlert[] {
  const byAccount = new Map<string, AlertItem[]>();
  const add = (accountId: string, item: AlertItem | null) => {
    if (!item) return;
    const items = byAccount.get(accountId) ?? [];
    items.push(item);
    byAccount.set(accountId, items);
  };
  for (const transition of input.transitions) add(transition.accountId, classifyTransition(transition));
  for (const action of input.actions) add(action.accountId, classifyAction(action));

  return [...byAccount]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([accountId, items]) => {
      const sorted = [...items].sort(
        (a, b) =>
          SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
          ALERT_KINDS.indexOf(a.kind) - ALERT_KINDS.indexOf(b.kind) ||
          a.region.localeCompare(b.region) ||
          a.subject.localeCompare(b.subject),
      );
      return {
        runId: input.runId,
        accountId,
        at: input.now.toISOString(),
        severity: sorted[0]!.severity,
        items: sorted,
      };
    });
}
