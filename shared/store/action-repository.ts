import type { ActionRecord } from '../domain/model.js';
import { actionEventFromItem, outstandingActionFromItem } from './codecs.js';
import { diffOutstandingActions } from './diff.js';
import { keys } from './keys.js';
import { on, type TableAccess } from './table-access.js';
import type { Page, PageRequest } from './types.js';
import { actionEventWrites, outstandingActionWrites } from './writes.js';

/** The write-time scope of org-level outstanding actions (their rows live in the management account). */
const ORG_SCOPE = 'ORG';

/**
 * Actions: org-level outstanding actions (target-level ones are saved with their target) and the history of
 * action events.
 */
export class ActionRepository {
  constructor(private readonly table: TableAccess) {}

  /**
   * Org-level actions (policy, attachments, global settings) have no findings; they are kept like a target's
   * actions under the management account, so a blocked or failing one is news once, not every run.
   */
  async saveOrgActions(input: {
    readonly managementAccountId: string;
    readonly actions: readonly ActionRecord[];
    readonly runId: string;
    readonly now: Date;
  }): Promise<{ newActions: ActionRecord[] }> {
    const stored = await this.table.queryAll(
      on.table(keys.accountPartition(input.managementAccountId), keys.outstandingActionPrefix(ORG_SCOPE)),
    );
    const changes = diffOutstandingActions(
      ORG_SCOPE,
      new Map(stored.map((item) => [String(item.SK), outstandingActionFromItem(item)])),
      input.actions,
    );
    await this.table.batchWrite([
      ...outstandingActionWrites(ORG_SCOPE, changes),
      ...actionEventWrites(changes.newActions, input.runId, this.table.expiresAt(input.now)),
    ]);
    return { newActions: changes.newActions };
  }

  /** Action events (applied, or outstanding when first seen or changed), newest first. */
  listActions(query: PageRequest & { readonly accountId?: string } = {}): Promise<Page<ActionRecord>> {
    const plan = query.accountId
      ? on.table(keys.actionsPartition(query.accountId))
      : on.collections(keys.allActionsPartition);
    return this.table.page([{ ...plan, newestFirst: true }], actionEventFromItem, query);
  }
}
