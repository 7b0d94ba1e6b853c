import type { ActionRecord, FindingTransition, ResourceStatus } from '../domain/model.js';

export type Severity = 'critical' | 'warning' | 'info';

export const ALERT_KINDS = [
  'RESOURCE_DEGRADED',
  'RESOURCE_FLAPPING',
  'CHECK_FAILED',
  'CHECK_WARNED',
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

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, warning: 1, info: 2 };

/**
 * What a resource status means to the people alerted. A change within a class (FAILING → UNPROTECTED, a
 * PENDING resource becoming PROTECTED) is not news; only a change of class alerts.
 */
export type StatusClass = 'OK' | 'AT_RISK' | 'BROKEN' | 'UNKNOWN';

const STATUS_CLASS: Readonly<Record<ResourceStatus, StatusClass>> = {
  PROTECTED: 'OK',
  PENDING: 'OK',
  STALE: 'AT_RISK',
  UNPROTECTED: 'BROKEN',
  FAILING: 'BROKEN',
  UNKNOWN: 'UNKNOWN',
};

const CLASS_SEVERITY: Readonly<Record<Exclude<StatusClass, 'OK'>, Severity>> = {
  BROKEN: 'critical',
  AT_RISK: 'warning',
  UNKNOWN: 'warning',
};

/** The class of a resource status; a first sighting (null) and GONE count as OK, so they alert only into trouble. */
export function statusClass(status: FindingTransition['from'] | FindingTransition['to']): StatusClass {
  return (status !== null && STATUS_CLASS[status as ResourceStatus]) || 'OK';
}

/** True when a resource transition crosses status classes: the only resource changes that alert. */
export function changesClass(transition: FindingTransition): boolean {
  return (
    transition.subject.kind === 'resource' &&
    transition.to !== 'GONE' &&
    statusClass(transition.from) !== statusClass(transition.to)
  );
}

/**
 * Which transitions are worth an alert. A resource whose status class changed (into trouble, first sight
 * included, or back to OK), a check into FAIL or newly into WARN, and a check passing again. GONE and
 * SKIPPED are not.
 */
export function classifyTransition(transition: FindingTransition): AlertItem | null {
  const { region, from, to, reasons, detail } = transition;
  const change = `${from ?? 'NEW'} → ${to}`;
  if (transition.subject.kind === 'resource') {
    // A waived finding is accepted as it is until its waiver ends; then it alerts like any other.
    if (transition.waiver === 'waived') return null;
    if (transition.waiver === 'expired') return waiverEndedItem(transition);
    if (!changesClass(transition)) return null;
    const subject = transition.subject.arn;
    const toClass = statusClass(to);
    if (toClass === 'OK') {
      return { kind: 'RESOURCE_RECOVERED', severity: 'info', region, subject, change, reasons, detail };
    }
    const severity = CLASS_SEVERITY[toClass];
    return { kind: 'RESOURCE_DEGRADED', severity, region, subject, change, reasons, detail };
  }
  const subject = transition.subject.check;
  if (to === 'FAIL')
    return { kind: 'CHECK_FAILED', severity: 'critical', region, subject, change, reasons, detail };
  // A warning that newly appears is said once, the day it appears; a FAIL easing to WARN is no news.
  if (to === 'WARN' && from !== 'FAIL')
    return { kind: 'CHECK_WARNED', severity: 'warning', region, subject, change, reasons, detail };
  if (to === 'PASS' && from === 'FAIL') {
    return { kind: 'CHECK_RECOVERED', severity: 'info', region, subject, change, reasons, detail };
  }
  return null;
}

/** A waiver ended on a finding still in trouble: alerted as if it had just degraded. */
function waiverEndedItem(transition: FindingTransition): AlertItem | null {
  if (transition.subject.kind !== 'resource') return null;
  const toClass = statusClass(transition.to);
  if (toClass === 'OK') return null;
  return {
    kind: 'RESOURCE_DEGRADED',
    severity: CLASS_SEVERITY[toClass],
    region: transition.region,
    subject: transition.subject.arn,
    change: `${transition.to}, waiver ended`,
    reasons: transition.reasons,
    detail: transition.detail,
  };
}

function flappingItem(transition: FindingTransition, changes: number, windowHours: number): AlertItem | null {
  if (transition.subject.kind !== 'resource') return null;
  return {
    kind: 'RESOURCE_FLAPPING',
    severity: 'warning',
    region: transition.region,
    subject: transition.subject.arn,
    change: `${transition.from ?? 'NEW'} → ${transition.to}`,
    reasons: transition.reasons,
    detail:
      `Its status changed ${changes} times within ${windowHours} hours. Until it settles, its changes are ` +
      'summarised in the daily digest instead of alerted one by one.',
  };
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
  /** Resources that just started flapping (see dampFlaps): one item each, instead of their transition. */
  readonly flapping?: readonly { readonly transition: FindingTransition; readonly changes: number }[];
  readonly flapWindowHours?: number;
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
  for (const { transition, changes } of input.flapping ?? []) {
    add(transition.accountId, flappingItem(transition, changes, input.flapWindowHours ?? 24));
  }

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
