import type { ClientFactory } from '../aws/clients.js';
import { listAccounts, readCrossAccountBackup } from '../aws/observe-org.js';
import type { Clock } from '../domain/model.js';

/** What every account target needs to know about the organization, as last read. */
export interface OrgFacts {
  readonly accounts: readonly { readonly id: string; readonly state: string }[];
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

  constructor(private readonly clock: Clock) {}

  /** Facts no older than `maxAgeMs` (0: always read), or the last known ones when reading fails. */
  async read(factory: ClientFactory, maxAgeMs: number): Promise<OrgFactsRead> {
    const now = this.clock.now();
    if (this.last && now.getTime() - this.last.observedAt.getTime() < maxAgeMs) {
      return { facts: this.last, staleBecause: null };
    }
    try {
      const accounts = await listAccounts(factory);
      const crossAccountBackupEnabled = await readCrossAccountBackup(factory);
      this.last = { accounts, crossAccountBackupEnabled, observedAt: now };
      return { facts: this.last, staleBecause: null };
    } catch (error) {
      if (!this.last) throw error;
      return { facts: this.last, staleBecause: error instanceof Error ? error.message : String(error) };
    }
  }

  /** The setting as the org reconcile left it (it may just have enabled it). */
  rememberCrossAccountBackup(enabled: boolean | null): void {
    if (this.last && enabled !== null) this.last = { ...this.last, crossAccountBackupEnabled: enabled };
  }

  known(): OrgFacts | null {
    return this.last;
  }
}
