import type { DesiredState, ObservedTarget, ObservedVault } from '../model.js';
import { centralVaultHere, retentionsIntoVault, rulesCoveringRegion, vaultArn } from './target-facts.js';
import { decideVaultLock, type LockDecision, type RetentionIntoVault } from './vault-lock.js';

/** One vault of this account × Region that the configured lock applies to, with what may be done about it. */
export interface VaultLockPlace {
  readonly vaultName: string;
  readonly arn: string;
  readonly vault: ObservedVault | null;
  readonly decision: LockDecision;
}

/**
 * The member vault and, where this target holds it under another name, the central vault: Vault Lock is per
 * vault (https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html), so the central vault gets
 * the configured lock too. Retentions counted are the configured plans' (and, for the central vault, the
 * configured copy retention) plus every effective rule or copy action landing there.
 */
export function vaultLocksHere(desired: DesiredState, observed: ObservedTarget, now: Date): VaultLockPlace[] {
  const central = centralVaultHere(desired, observed);
  const rules = rulesCoveringRegion(observed);
  const copyRetention = desired.centralVault?.deleteAfterDays;
  const copies: RetentionIntoVault[] =
    central && copyRetention !== undefined
      ? [{ source: 'copies into the central vault', deleteAfterDays: copyRetention }]
      : [];
  const planned: RetentionIntoVault[] = desired.plans.map((plan) => ({
    source: `plan ${plan.name}`,
    deleteAfterDays: plan.deleteAfterDays,
  }));
  const place = (
    vaultName: string,
    arn: string,
    vault: ObservedVault | null,
    configured: readonly RetentionIntoVault[],
  ): VaultLockPlace => ({
    vaultName,
    arn,
    vault,
    decision: decideVaultLock({
      configured: desired.vault.lock,
      vault,
      retentions: [...configured, ...retentionsIntoVault({ name: vaultName, arn }, rules)],
      now,
    }),
  });
  const memberName = desired.vault.name;
  const memberArn = vaultArn(desired, observed.accountId, observed.region, memberName);
  const sharesName = central?.name === memberName;
  return [
    place(memberName, memberArn, observed.vault, sharesName ? [...planned, ...copies] : planned),
    ...(central && !sharesName
      ? [place(central.name, central.arn, observed.centralVault?.vault ?? null, copies)]
      : []),
  ];
}
