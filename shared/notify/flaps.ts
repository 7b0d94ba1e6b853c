import type { FindingTransition } from '../domain/model.js';
import { changesClass } from './alerts.js';

export interface FlapSettings {
  /** More class changes than this within the window make a resource "flapping". */
  readonly maxChanges: number;
  readonly windowHours: number;
}

/** What the alerting remembers about one resource's recent class changes. */
export interface FlapRecord {
  readonly accountId: string;
  readonly region: string;
  readonly arn: string;
  /** Times of its class changes within the window, oldest first. */
  readonly changes: readonly string[];
  /** When it was alerted as flapping; its further changes are only summarised in the digest. */
  readonly flappingSince: string | null;
}

export interface DampedTransitions {
  /** Transitions that alert as usual (checks, and resources that are not flapping). */
  readonly alert: readonly FindingTransition[];
  /** Resources that just started flapping: alerted once, as flapping. */
  readonly flapping: readonly { readonly transition: FindingTransition; readonly changes: number }[];
  /** Class changes of resources already alerted as flapping: left to the daily digest. */
  readonly suppressed: number;
  /** Records of the resources that changed class, to store for the next run. */
  readonly records: readonly FlapRecord[];
}

export function flapKey(accountId: string, region: string, arn: string): string {
  return `${accountId}#${region}#${arn}`;
}

/**
 * Flap damping: a resource whose status class changes more than `maxChanges` times within `windowHours`
 * is alerted once as flapping, then kept quiet until it has been still for a whole window. Pure: the
 * caller loads the records of the accounts involved and stores the ones returned.
 */
export function dampFlaps(
  transitions: readonly FindingTransition[],
  records: ReadonlyMap<string, FlapRecord>,
  settings: FlapSettings,
): DampedTransitions {
  const windowMs = settings.windowHours * 3_600_000;
  const alert: FindingTransition[] = [];
  const flapping: { transition: FindingTransition; changes: number }[] = [];
  const updated = new Map<string, FlapRecord>();
  let suppressed = 0;
  const ordered = [...transitions].sort((a, b) => a.at.localeCompare(b.at));
  for (const transition of ordered) {
    if (transition.subject.kind !== 'resource' || !changesClass(transition)) {
      alert.push(transition);
      continue;
    }
    const { accountId, region } = transition;
    const arn = transition.subject.arn;
    const key = flapKey(accountId, region, arn);
    const previous = updated.get(key) ?? records.get(key);
    const since = Date.parse(transition.at) - windowMs;
    const changes = [...(previous?.changes ?? []).filter((at) => Date.parse(at) > since), transition.at];
    // Once alerted as flapping it stays quiet while an earlier change lies within the window.
    const wasFlapping = previous?.flappingSince != null && changes.length > 1;
    let flappingSince: string | null = wasFlapping ? (previous?.flappingSince ?? null) : null;
    if (wasFlapping) suppressed += 1;
    else if (changes.length > settings.maxChanges) {
      flapping.push({ transition, changes: changes.length });
      flappingSince = transition.at;
    } else alert.push(transition);
    updated.set(key, { accountId, region, arn, changes, flappingSince });
  }
  return { alert, flapping, suppressed, records: [...updated.values()] };
}
