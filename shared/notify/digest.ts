import type {
  AccountStatusSummary,
  FindingTransition,
  OrganizationSummary,
  ReportSummary,
} from '../domain/model.js';
import { ALERT_KINDS, type AlertKind, classifyTransition } from './alerts.js';

export interface DigestAccount extends AccountStatusSummary {
  /** Resources not PROTECTED and not PENDING. */
  readonly needsAttention: number;
}

/** The once-a-day overview: where the organization stands, and what changed that day. */
export interface DailyDigest {
  /** UTC day, YYYY-MM-DD. */
  readonly day: string;
  readonly generatedAt: string;
  readonly total: ReportSummary;
  /** Accounts with resources needing attention, worst first. */
  readonly accountsNeedingAttention: readonly DigestAccount[];
  /** Alert-worthy transitions of the day, by kind. */
  readonly changes: Readonly<Record<AlertKind, number>>;
}

export function buildDailyDigest(
  summary: OrganizationSummary,
  transitionsOfTheDay: readonly FindingTransition[],
  now: Date,
): DailyDigest {
  const changes = Object.fromEntries(ALERT_KINDS.map((kind) => [kind, 0])) as Record<AlertKind, number>;
  for (const transition of transitionsOfTheDay) {
    const item = classifyTransition(transition);
    if (item) changes[item.kind] += 1;
  }
  const accountsNeedingAttention = summary.accounts
    .map((account) => ({
      ...account,
      needsAttention: account.resources - account.byStatus.PROTECTED - account.byStatus.PENDING,
    }))
    .filter((account) => account.needsAttention > 0)
    .sort((a, b) => b.needsAttention - a.needsAttention || a.accountId.localeCompare(b.accountId));
  return {
    day: now.toISOString().slice(0, 10),
    generatedAt: now.toISOString(),
    total: summary.total,
    accountsNeedingAttention,
    changes,
  };
}
