import { type AccountAlert, ALERT_KINDS, type AlertKind, SEVERITY_RANK, type Severity } from './alerts.js';

/** One organization-wide message instead of one per account, when a run changed too many accounts. */
export interface StormSummary {
  readonly runId: string;
  readonly at: string;
  /** alerts.stormAccounts: above this many accounts in one run, this summary is sent instead. */
  readonly threshold: number;
  readonly severity: Severity;
  readonly accountCount: number;
  readonly byKind: Readonly<Record<AlertKind, number>>;
  /** The accounts with the most severe and most numerous changes, at most STORM_ACCOUNTS_LISTED. */
  readonly accounts: readonly {
    readonly accountId: string;
    readonly severity: Severity;
    readonly changes: number;
  }[];
}

export const STORM_ACCOUNTS_LISTED = 50;

/** null when the run changed at most `threshold` accounts: then each account gets its own message. */
export function summariseStorm(alerts: readonly AccountAlert[], threshold: number): StormSummary | null {
  if (alerts.length <= threshold || alerts.length === 0) return null;
  const byKind = Object.fromEntries(ALERT_KINDS.map((kind) => [kind, 0])) as Record<AlertKind, number>;
  for (const alert of alerts) for (const item of alert.items) byKind[item.kind] += 1;
  const accounts = alerts
    .map((alert) => ({ accountId: alert.accountId, severity: alert.severity, changes: alert.items.length }))
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        b.changes - a.changes ||
        a.accountId.localeCompare(b.accountId),
    );
  return {
    runId: alerts[0]!.runId,
    at: alerts[0]!.at,
    threshold,
    severity: accounts[0]!.severity,
    accountCount: alerts.length,
    byKind,
    accounts: accounts.slice(0, STORM_ACCOUNTS_LISTED),
  };
}
