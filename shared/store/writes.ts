import type { ActionRecord, FindingTransition } from '../domain/model.js';
import { actionEventItem, outstandingActionItem, transitionItem } from './codecs.js';
import type { ActionChanges } from './diff.js';
import { keys } from './keys.js';
import type { WriteRequest } from './table-access.js';

/** Turns the diff's decisions into batched puts and deletes. */

export function outstandingActionWrites(scope: string, changes: ActionChanges): WriteRequest[] {
  return [
    ...changes.put.map((action) => ({ PutRequest: { Item: outstandingActionItem(scope, action) } })),
    ...changes.deleted.map(({ accountId, sortKey }) => ({
      DeleteRequest: { Key: { PK: keys.accountPartition(accountId), SK: sortKey } },
    })),
  ];
}

/** Transitions, kept as history until `expiresAt`; `runId` is null for an event's immediate update. */
export function transitionWrites(
  transitions: readonly FindingTransition[],
  runId: string | null,
  expiresAt: number,
): WriteRequest[] {
  return transitions.map((transition) => ({
    PutRequest: { Item: transitionItem(transition, runId, expiresAt) },
  }));
}

/** Action events of a run, kept as history until `expiresAt`. */
export function actionEventWrites(
  actions: readonly ActionRecord[],
  runId: string,
  expiresAt: number,
): WriteRequest[] {
  return actions.map((action, index) => ({
    PutRequest: { Item: actionEventItem(action, index, runId, expiresAt) },
  }));
}
