import type { FindingException, Waiver } from './model.js';

/** A waiver ends at the start of its `expires` day (UTC): from then on the finding alerts again. */
export function waiverEnds(waiver: Waiver): Date {
  return new Date(`${waiver.expires}T00:00:00.000Z`);
}

export function isWaiverActive(waiver: Waiver, now: Date): boolean {
  return now < waiverEnds(waiver);
}

/**
 * The waiver of the first configured exception that matches the resource and has not expired. A tag
 * exception matches only when the resource's tags are known (null: the target could not be observed).
 */
export function waiverFor(
  exceptions: readonly FindingException[] | undefined,
  resource: {
    readonly accountId: string;
    readonly arn: string;
    readonly tags: Readonly<Record<string, string>> | null;
  },
  now: Date,
): Waiver | null {
  const matching = (exceptions ?? []).find((exception) => {
    if (!isWaiverActive(exception, now)) return false;
    const { match } = exception;
    if ('arn' in match) return match.arn === resource.arn;
    if ('account' in match) return match.account === resource.accountId;
    return resource.tags !== null && resource.tags[match.tag.key] === match.tag.value;
  });
  return matching ? { reason: matching.reason, owner: matching.owner, expires: matching.expires } : null;
}
