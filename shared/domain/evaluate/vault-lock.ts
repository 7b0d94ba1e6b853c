/**
 * What the controller may do about one vault's lock. A lock is only ever created or tightened, never
 * loosened: the lock written is the intersection of the existing and the configured one. The planner writes
 * what this decides and the VAULT_LOCK check reports the same decision, so the two always agree.
 *
 * AWS facts (https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html): a governance lock can
 * be changed by privileged users; a compliance lock (one with ChangeableForDays, reported with a LockDate)
 * can be changed only until its LockDate and never afterwards; PutBackupVaultLockConfiguration without
 * ChangeableForDays writes a governance lock, so re-putting a compliance lock without it would weaken it.
 */
import type { ObservedVault, VaultLockSpec } from '../model.js';

/** A retention that lands in the vault, as a rule, a copy action or the config states it (null: never expires). */
export interface RetentionIntoVault {
  readonly source: string;
  readonly deleteAfterDays: number | null;
}

/** The lock to write; `changeableForDays` only for compliance. */
export interface LockToWrite {
  readonly mode: 'governance' | 'compliance';
  readonly minRetentionDays?: number | undefined;
  readonly maxRetentionDays?: number | undefined;
  readonly changeableForDays?: number | undefined;
}

export type LockDecision =
  /** No lock is configured: whatever lock the vault has is left alone. */
  | { readonly kind: 'NOT_CONFIGURED' }
  | { readonly kind: 'AS_CONFIGURED' }
  /** The vault has no lock (or does not exist yet): write the configured one. */
  | { readonly kind: 'CREATE'; readonly lock: LockToWrite; readonly why: string }
  /** The vault's lock is looser than the configured one somewhere: write the intersection. */
  | { readonly kind: 'TIGHTEN'; readonly lock: LockToWrite; readonly why: string }
  /** The vault's lock differs but must stay as it is; `why` says which rule keeps it. */
  | { readonly kind: 'KEEP'; readonly why: string };

interface Bounds {
  readonly min: number | null;
  readonly max: number | null;
}

export function describeBounds({ min, max }: Bounds): string {
  return `${min ?? 1}-${max ?? '∞'} days`;
}

/** Retentions the bounds reject: shorter than the minimum, or longer than the maximum ("never" included). */
export function retentionsOutside(bounds: Bounds, retentions: readonly RetentionIntoVault[]): string[] {
  return retentions.flatMap(({ source, deleteAfterDays: days }) => {
    const tooShort = bounds.min !== null && days !== null && days < bounds.min;
    const tooLong = bounds.max !== null && (days === null || days > bounds.max);
    if (!tooShort && !tooLong) return [];
    const retention = days === null ? 'no expiry' : `${days} days`;
    return [`${source} keeps ${retention}, outside ${describeBounds(bounds)}`];
  });
}

export function decideVaultLock(input: {
  readonly configured: VaultLockSpec | undefined;
  /** null: the vault does not exist (yet). */
  readonly vault: ObservedVault | null;
  /** Every retention that lands in the vault: the configured plans and copies, and the effective rules. */
  readonly retentions: readonly RetentionIntoVault[];
  readonly now: Date;
}): LockDecision {
  const { configured, vault, retentions, now } = input;
  if (configured === undefined) return { kind: 'NOT_CONFIGURED' };
  const wanted: Bounds = {
    min: configured.minRetentionDays ?? null,
    max: configured.maxRetentionDays ?? null,
  };
  if (vault === null || !vault.locked) {
    const conflicts = retentionsOutside(wanted, retentions);
    if (conflicts.length > 0) {
      return { kind: 'KEEP', why: `the configured lock would make jobs fail: ${conflicts.join('; ')}` };
    }
    return {
      kind: 'CREATE',
      lock: lockToWrite(configured, wanted),
      why: `${vault === null ? 'The new vault' : 'The vault'} has no lock yet.`,
    };
  }
  const existing: Bounds = { min: vault.minRetentionDays, max: vault.maxRetentionDays };
  const existingMode = vault.lockDate === null ? 'governance' : 'compliance';
  const sameBounds = existing.min === wanted.min && existing.max === wanted.max;
  if (sameBounds && existingMode === configured.mode) return { kind: 'AS_CONFIGURED' };
  if (existingMode === 'compliance') {
    return {
      kind: 'KEEP',
      why: isImmutableLock(vault, now)
        ? `its compliance lock (${describeBounds(existing)}) is immutable`
        : `its compliance lock (${describeBounds(existing)}) is in its grace period, and the controller never ` +
          'rewrites a compliance lock (a rewrite without ChangeableForDays would turn it into governance)',
    };
  }
  const merged: Bounds = {
    min: stricterMin(existing.min, wanted.min),
    max: stricterMax(existing.max, wanted.max),
  };
  const tighterBounds = merged.min !== existing.min || merged.max !== existing.max;
  if (!tighterBounds && configured.mode === 'governance') {
    return {
      kind: 'KEEP',
      why: `its lock (${describeBounds(existing)}) is at least as strict as the configured ${describeBounds(wanted)}`,
    };
  }
  if (merged.min !== null && merged.max !== null && merged.min > merged.max) {
    return {
      kind: 'KEEP',
      why: `its lock (${describeBounds(existing)}) and the configured ${describeBounds(wanted)} do not overlap`,
    };
  }
  const conflicts = retentionsOutside(merged, retentions);
  if (conflicts.length > 0) {
    return {
      kind: 'KEEP',
      why: `tightening it to ${describeBounds(merged)} would make jobs fail: ${conflicts.join('; ')}`,
    };
  }
  return {
    kind: 'TIGHTEN',
    lock: lockToWrite(configured, merged),
    why: `Its ${existingMode} lock (${describeBounds(existing)}) is looser than the configured ${configured.mode} ${describeBounds(wanted)}.`,
  };
}

/** A lock whose LockDate has passed is compliance-mode and immutable: nobody can change it any more. */
export function isImmutableLock(vault: ObservedVault, now: Date): boolean {
  return vault.locked && vault.lockDate !== null && vault.lockDate.getTime() <= now.getTime();
}

function lockToWrite(configured: VaultLockSpec, bounds: Bounds): LockToWrite {
  return {
    mode: configured.mode,
    ...(bounds.min !== null ? { minRetentionDays: bounds.min } : {}),
    ...(bounds.max !== null ? { maxRetentionDays: bounds.max } : {}),
    ...(configured.mode === 'compliance' ? { changeableForDays: configured.changeableForDays } : {}),
  };
}

function stricterMin(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

function stricterMax(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}
