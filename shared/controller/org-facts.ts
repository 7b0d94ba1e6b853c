import type { ClientFactory } from '../aws/clients.js';
import type { Clock, DesiredState } from '../domain/model.js';
import { accountsReachedBy, attachesToWholeOrganization } from '../domain/scope.js';
import { lazyImport } from '../lazy-import.js';

const orgObservers = lazyImport(() => import('../aws/observe-org.js'));

/** What every account target needs to know about the organization, as last read. */
export interface OrgFacts {
  /** The accounts `attachTo` reaches (where the policy applies and the baseline deploys the role). */
  readonly accounts: readonly { readonly id: string; readonly state: string }[];
  /**
   * Accounts in the organization that `attachTo` does not reach (the central vault's account aside): not
   * targets, and so never reported unreachable for lacking the controller's role.
   */
  readonly outsideAttachTo: number;
  readonly crossAccountBackupEnabled: boolean | null;
  readonly observedAt: Date;
}

export interface OrgFactsRead {
  readonly facts: OrgFacts;
  /** Set when a fresh read failed (after the SDK's retries) and the last known facts stand in. */
  readonly staleBecause: string | null;
}

/**
 * The organization's account list and cross-account backup setting, kept from the last successful read
 * (one per process: a Lambda container, or the sandbox). Events reuse facts younger than `maxAgeMs`
 * instead of listing the whole organization per batch; and when a read fails after the SDK's retries
 * (Organizations throttles the whole organization's callers together), the last known facts stand in so
 * the account targets still run.
 */
export class OrgFactsCache {
  private last: OrgFacts | null = null;
  /** Kept apart from `last`: the org reconcile learns it without listing the accounts. */
  private crossAccountBackup: boolean | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly scope: Pick<DesiredState, 'attachTo' | 'centralVault'>,
  ) {}

  /** Facts no older than `maxAgeMs` (0: always read), or the last known ones when reading fails. */
  async read(factory: ClientFactory, maxAgeMs: number): Promise<OrgFactsRead> {
    const now = this.clock.now();
    if (this.last && now.getTime() - this.last.observedAt.getTime() < maxAgeMs) {
      return { facts: this.last, staleBecause: null };
    }
    try {
      // Every function holds the cache but only the sweep and the targets read it: the others do not load
      // the Organizations and Backup readers at start.
      const { readCrossAccountBackup } = await orgObservers();
      const { accounts, outsideAttachTo } = await this.readAccounts(factory);
      // The setting reads as null when it cannot be read; the last known value is the better guess then.
      const crossAccountBackupEnabled =
        (await readCrossAccountBackup(factory)) ?? this.last?.crossAccountBackupEnabled ?? null;
      this.last = { accounts, outsideAttachTo, crossAccountBackupEnabled, observedAt: now };
      this.crossAccountBackup = crossAccountBackupEnabled ?? this.crossAccountBackup;
      return { facts: this.last, staleBecause: null };
    } catch (error) {
      if (!this.last) throw error;
      return { facts: this.last, staleBecause: error instanceof Error ? error.message : String(error) };
    }
  }

  /** One flat listing when `attachTo` names the root; otherwise the tree, to see what lies under it. */
  private async readAccounts(factory: ClientFactory) {
    const { listAccounts, readOrganizationTree } = await orgObservers();
    if (attachesToWholeOrganization(this.scope.attachTo)) {
      return { accounts: await listAccounts(factory), outsideAttachTo: 0 };
    }
    const tree = await readOrganizationTree(factory);
    // The central vault's account is a target wherever it sits: it holds the copies.
    const central = this.scope.centralVault?.accountId;
    const reached = new Set([...accountsReachedBy(this.scope.attachTo, tree), ...(central ? [central] : [])]);
    return {
      accounts: tree.accounts.filter((account) => reached.has(account.id)),
      outsideAttachTo: tree.accounts.filter((account) => !reached.has(account.id)).length,
    };
  }

  /** The setting as the org reconcile left it (it may just have enabled it). */
  rememberCrossAccountBackup(enabled: boolean | null): void {
    if (enabled === null) return;
    this.crossAccountBackup = enabled;
    if (this.last) this.last = { ...this.last, crossAccountBackupEnabled: enabled };
  }

  /** The cross-account backup setting as last read or set in this process; null when never known. */
  knownCrossAccountBackup(): boolean | null {
    return this.crossAccountBackup;
  }
}
