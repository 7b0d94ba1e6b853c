import type { JobMemory } from '../domain/model.js';
import { jobMemoryFromItem, jobMemoryItem } from './codecs.js';
import { keys } from './keys.js';
import type { TableAccess } from './table-access.js';

/**
 * A target's job watermark and the jobs it keeps between reconciles (shared/domain/evaluate/job-memory.ts),
 * one small item under the target's prefix. It is read before the target is observed; losing it only
 * makes the next reconcile read the whole job window.
 */
export class JobMemoryRepository {
  constructor(private readonly table: TableAccess) {}

  async loadJobMemory(accountId: string, region: string): Promise<JobMemory | null> {
    const item = await this.table.get(keys.accountPartition(accountId), keys.jobMemory(region));
    return item ? jobMemoryFromItem(item) : null;
  }

  saveJobMemory(accountId: string, region: string, memory: JobMemory): Promise<void> {
    return this.table.put(jobMemoryItem(accountId, region, memory));
  }
}
