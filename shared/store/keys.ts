import type { ActionRecord, FindingTransition, ResourceStatus } from '../domain/model.js';

/**
 * Every key of the single findings table is built here and nowhere else, so the layout (README.md) can be
 * read in one place.
 */
export const ENTITY = {
  finding: 'FINDING',
  target: 'TARGET',
  outstandingAction: 'OUTSTANDING_ACTION',
  actionEvent: 'ACTION',
  transition: 'TRANSITION',
  run: 'RUN',
  directoryEntry: 'DIRECTORY_ENTRY',
} as const;

export type Entity = (typeof ENTITY)[keyof typeof ENTITY];

export const keys = {
  accountPartition: (accountId: string) => `ACCOUNT#${accountId}`,
  /** Sort-key prefix of everything one target (account × Region) owns in its account partition. */
  targetPrefix: (region: string) => `${region}#`,
  findingPrefix: (region: string) => `${region}#RES#`,
  finding: (region: string, arn: string) => `${region}#RES#${arn}`,
  findingInStatus: (accountId: string, region: string, arn: string) => `${accountId}#${region}#${arn}`,
  /** GSI1SK prefix of one account's (and optionally one Region's) findings within a status partition. */
  findingInStatusPrefix: (accountId: string, region?: string) =>
    region ? `${accountId}#${region}#` : `${accountId}#`,
  findingInRegion: (status: ResourceStatus, accountId: string, arn: string) =>
    `RES#${status}#${accountId}#${arn}`,
  targetRow: (region: string) => `${region}#TARGET`,
  targetInCollection: (accountId: string, region: string) => `${accountId}#${region}`,
  targetInRegion: (accountId: string) => `TARGET#${accountId}`,
  targetInRegionPrefix: 'TARGET#',
  outstandingActionPrefix: (scope: string) => `${scope}#ACTION#`,
  // The reason is part of the identity: one target can need several actions of a kind (two managed
  // policies attached to the same backup role), and a record carries no other field telling them apart.
  outstandingAction: (scope: string, record: ActionRecord) =>
    `${scope}#ACTION#${record.kind}#${record.target}#${record.reason}`,
  statusPartition: (status: ResourceStatus) => `STATUS#${status}`,
  regionPartition: (region: string) => `REGION#${region}`,
  regionFindingPrefix: (status?: ResourceStatus) => (status ? `RES#${status}#` : 'RES#'),
  targetsPartition: 'TARGETS',
  historyPartition: (accountId: string) => `HISTORY#${accountId}`,
  transition: (transition: FindingTransition, runId: string | null) =>
    // The run id keeps an event's immediate transition and its reconcile's apart when both share a time.
    `${transition.at}#${transitionSuffix(transition)}#${runId ?? 'event'}`,
  transitionsOfDay: (day: string) => `TRANSITIONS#${day}`,
  transitionInDay: (transition: FindingTransition) =>
    `${transition.at}#${transition.accountId}#${transitionSuffix(transition)}`,
  actionsPartition: (accountId: string) => `ACTIONS#${accountId}`,
  actionEvent: (record: ActionRecord, sequence: number) =>
    `${record.at}#${actionEventSuffix(record, sequence)}`,
  actionEventInCollection: (record: ActionRecord, sequence: number) =>
    `${record.at}#${record.accountId}#${actionEventSuffix(record, sequence)}`,
  allActionsPartition: 'ACTIONS',
  runPartition: (runId: string) => `RUN#${runId}`,
  runSortKey: 'RUN',
  runInCollection: (startedAt: string, runId: string) => `${startedAt}#${runId}`,
  allRunsPartition: 'RUNS',
  directoryPartition: 'DIRECTORY',
  directoryEntry: (accountId: string) => `ACCOUNT#${accountId}`,
};

function transitionSuffix(transition: FindingTransition): string {
  const subject =
    transition.subject.kind === 'resource'
      ? `RES#${transition.subject.arn}`
      : `CHECK#${transition.subject.check}`;
  return `${transition.region}#${subject}`;
}

function actionEventSuffix(record: ActionRecord, sequence: number): string {
  return `${record.region}#${record.kind}#${record.target}#${sequence}`;
}
