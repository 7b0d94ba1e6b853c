import { directoryFields, directoryFromItem, directoryItem } from './codecs.js';
import { keys } from './keys.js';
import { on, type TableAccess, type WriteRequest } from './table-access.js';
import type { AccountDirectoryEntry, Page, PageRequest } from './types.js';

/** Account → name and OU path, as the organization was last observed (the dashboard's coverage by OU). */
export class AccountDirectory {
  constructor(private readonly table: TableAccess) {}

  /** Replaces the directory with `entries`, writing only entries that changed and deleting the ones gone. */
  async saveAccountDirectory(entries: readonly AccountDirectoryEntry[]): Promise<void> {
    const stored = new Map(
      (await this.table.queryAll(on.table(keys.directoryPartition))).map((item) => {
        const entry = directoryFromItem(item);
        return [entry.accountId, entry];
      }),
    );
    const requests: WriteRequest[] = [];
    for (const entry of entries) {
      const previous = stored.get(entry.accountId);
      stored.delete(entry.accountId);
      if (previous && JSON.stringify(previous) === JSON.stringify(directoryFields(entry))) continue;
      requests.push({ PutRequest: { Item: directoryItem(entry) } });
    }
    for (const accountId of stored.keys()) {
      requests.push({
        DeleteRequest: { Key: { PK: keys.directoryPartition, SK: keys.directoryEntry(accountId) } },
      });
    }
    await this.table.batchWrite(requests);
  }

  /** The directory, by account id. */
  listAccountDirectory(request: PageRequest = {}): Promise<Page<AccountDirectoryEntry>> {
    return this.table.page([on.table(keys.directoryPartition)], directoryFromItem, request);
  }
}
