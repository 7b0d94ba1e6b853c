import type {
  AccountStatusSummary,
  FindingTransition,
  OrganizationSummary,
  ReportSummary,
} from '../domain/model.js';
import { ALERT_KINDS, type AlertKind, changesClass, classifyTransition } from './alerts.js';

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
  /** Resources that changed status class more than the flap limit during the day, most changes first. */
  readonly flapping: readonly FlappingResource[];
}

export interface FlappingResource {
  readonly accountId: string;
  readonly region: string;
  readonly arn: string;
  readonly changes: number;
}

export function buildDailyDigest(
  summary: OrganizationSummary,
  transitionsOfTheDay: readonly FindingTransition[],
  now: Date,
  flapMaxChanges = Number.POSITIVE_INFINITY,
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
    flapping: flappingResources(transitionsOfTheDay, flapMaxChanges),
  };
}

function flappingResources(
  transitions: readonly FindingTransition[],
  maxChanges: number,
): FlappingResource[] {
  const counts = new Map<string, FlappingResource>();
  for (const transition of transitions) {
    if (transition.subject.kind !== 'resource' || !changesClass(transition)) continue;
    const { accountId, region } = transition;
    const key = `${accountId}#${region}#${transition.subject.arn}`;
    const changes = (counts.get(key)?.changes ?? 0) + 1;
    counts.set(key, { accountId, region, arn: transition.subject.arn, changes });
  }
  return [...counts.values()]
    .filter((resource) => resource.changes > maxChanges)
    .sort((a, b) => b.changes - a.changes || a.arn.localeCompare(b.arn));
}
