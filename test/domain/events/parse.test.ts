import { describe, expect, it } from 'vitest';
import { type ParsedEvent, parseEvent } from '../../../shared/domain/events/parse.js';
import { loadEventFixture } from '../../fixtures/events/index.js';

type Kind = ParsedEvent['kind'];
type EventOf<K extends Kind> = Extract<ParsedEvent, { kind: K }>;

/** Parses a fixture and narrows it, so a row can read kind-specific fields. */
function parsed<K extends Kind>(fixture: string, kind: K): EventOf<K> {
  const event = parseEvent(loadEventFixture(fixture));
  if (event.kind !== kind) throw new Error(`${fixture} parsed as ${event.kind}, expected ${kind}`);
  return event as EventOf<K>;
}

interface Row {
  fixture: string;
  read: () => unknown;
  expected: unknown;
  why: string;
}

// biome-ignore format: one row per line reads as a table
const rows: Row[] = [
  { fixture: 'backup-job-completed', read: () => parsed('backup-job-completed', 'backup-job').id, expected: '1d9c6e0a-0b6a-4b0e-8f1a-3c2d1e0f9a04', why: 'the EventBridge id is kept for idempotency' },
  { fixture: 'backup-job-completed', read: () => parsed('backup-job-completed', 'backup-job').time, expected: new Date('2026-03-04T05:40:00Z'), why: 'the envelope time becomes a Date' },
  { fixture: 'backup-job-completed', read: () => parsed('backup-job-completed', 'backup-job').completionDate, expected: new Date('2026-03-04T05:39:07.223Z'), why: 'ISO dates are read' },
  { fixture: 'backup-job-completed', read: () => parsed('backup-job-completed', 'backup-job').statusMessage, expected: null, why: 'an absent statusMessage is null' },
  { fixture: 'backup-job-pending', read: () => parsed('backup-job-pending', 'backup-job').statusMessage, expected: null, why: 'statusMessage "" means no message' },
  { fixture: 'backup-job-created', read: () => { const e = parsed('backup-job-created', 'backup-job'); return [e.state, e.resourceArn, e.statusMessage, e.completionDate]; }, expected: ['CREATED', null, null, null], why: 'the CREATED sample carries only id, state and creationDate' },
  { fixture: 'backup-job-failed-status-field', read: () => parsed('backup-job-failed-status-field', 'backup-job').state, expected: 'FAILED', why: '`status` is read when `state` is absent' },
  { fixture: 'restore-job-created', read: () => parsed('restore-job-created', 'restore-job').kind, expected: 'restore-job', why: 'the restore CREATED sample uses `state`' },
  { fixture: 'restore-job-completed', read: () => parsed('restore-job-completed', 'restore-job').kind, expected: 'restore-job', why: 'other restore events use `status`' },
  { fixture: 'recovery-point-completed', read: () => { const e = parsed('recovery-point-completed', 'recovery-point'); return [e.account, e.region]; }, expected: ['222222222222', 'eu-west-1'], why: 'recovery points say `status`; the account and Region come from the envelope' },
  { fixture: 'vault-modified-locked', read: () => parsed('vault-modified-locked', 'vault-change').region, expected: 'eu-west-1', why: 'a vault change is read with its extra MODIFIED fields' },
  { fixture: 'vault-created', read: () => parsed('vault-created', 'vault-change').region, expected: 'eu-west-1', why: 'a vault change is read without isLocked (sent only on MODIFIED)' },
  { fixture: 'plan-deleted', read: () => parsed('plan-deleted', 'plan-change').account, expected: '222222222222', why: 'plan changes are read by their account and Region' },
  { fixture: 'region-setting-modified', read: () => parsed('region-setting-modified', 'region-setting').region, expected: 'eu-west-1', why: 'an opt-in change is read by its account and Region' },
  { fixture: 'tag-change-removed', read: () => { const e = parsed('tag-change-removed', 'tag-change'); return [e.changedKeys, e.tags]; }, expected: [['BackupEnabled'], { Name: 'web-1' }], why: 'deleted keys are listed as changed but absent from tags' },
  { fixture: 'tag-change-s3-bucket', read: () => { const e = parsed('tag-change-s3-bucket', 'tag-change'); return [e.resourceArn, e.region]; }, expected: ['arn:aws:s3:::acme-invoices-prod', 'eu-west-1'], why: 'the resource is resources[0]; the Region comes from the envelope' },
  { fixture: 'org-create-account-result', read: () => { const e = parsed('org-create-account-result', 'org-api-call'); return [e.eventName, e.accountId, e.failure]; }, expected: ['CreateAccountResult', '444444444444', null], why: 'the new account comes from serviceEventDetails.createAccountStatus' },
  { fixture: 'org-create-account-failed', read: () => { const e = parsed('org-create-account-failed', 'org-api-call'); return [e.accountId, e.failure]; }, expected: [null, 'EMAIL_ALREADY_EXISTS'], why: 'a FAILED creation carries its failure reason' },
  { fixture: 'org-move-account', read: () => { const e = parsed('org-move-account', 'org-api-call'); return [e.eventName, e.accountId]; }, expected: ['MoveAccount', '333333333333'], why: 'MoveAccount names the account moved' },
  { fixture: 'org-attach-policy', read: () => { const e = parsed('org-attach-policy', 'org-api-call'); return [e.eventName, e.accountId, e.failure]; }, expected: ['AttachPolicy', null, null], why: 'AttachPolicy concerns the org, no single account' },
  { fixture: 'org-attach-policy-access-denied', read: () => parsed('org-attach-policy-access-denied', 'org-api-call').failure, expected: 'AccessDeniedException', why: 'errorCode marks a failed call' },
  { fixture: 'backup-delete-recovery-point', read: () => { const e = parsed('backup-delete-recovery-point', 'backup-api-call'); return [e.account, e.region, e.eventName]; }, expected: ['222222222222', 'eu-west-1', 'DeleteRecoveryPoint'], why: 'Backup calls are placed by the CloudTrail record' },
  { fixture: 'malformed-wrong-types', read: () => parsed('malformed-wrong-types', 'malformed'), expected: { kind: 'malformed', id: '6d2e8f0a-1b3c-4d5e-8f9a-0b1c2d3e4f02', path: 'detail.backupJobId', why: 'detail.backupJobId: Invalid input: expected string, received number' }, why: 'a malformed event keeps its id and the zod path' },
  { fixture: 'malformed-not-an-object', read: () => { const e = parsed('malformed-not-an-object', 'malformed'); return [e.id, e.path]; }, expected: [null, ''], why: 'a non-object has neither id nor path' },
  { fixture: 'unknown-ec2-state-change', read: () => { const e = parsed('unknown-ec2-state-change', 'unknown'); return [e.source, e.detailType]; }, expected: ['aws.ec2', 'EC2 Instance State-change Notification'], why: 'unknown events keep source and detail-type for the metric' },
];

describe('parseEvent normalizes AWS inconsistencies', () => {
  it.each(rows)('$fixture: $why', ({ read, expected }) => {
    expect(read()).toEqual(expected);
  });
});

describe('parseEvent never throws', () => {
  // biome-ignore format: one row per line reads as a table
  const inputs = [
    { raw: null, path: '', why: 'null' },
    { raw: [], path: '', why: 'an array' },
    { raw: 42, path: '', why: 'a number' },
    { raw: { id: 'x' }, path: 'source', why: 'an object with only an id' },
    { raw: { id: 'x', source: 'aws.backup', 'detail-type': 'Backup Job State Change', account: '12', region: 'eu-west-1', time: '2026-03-04T00:00:00Z', detail: {} }, path: 'account', why: 'an account that is not 12 digits' },
    { raw: { id: 'x', source: 'aws.backup', 'detail-type': 'AWS API Call via CloudTrail', account: '222222222222', region: 'eu-west-1', time: '2026-03-04T00:00:00Z', detail: { eventName: 'DeleteBackupVault' } }, path: 'detail.eventSource', why: 'a CloudTrail event without eventSource' },
    { raw: { id: 'x', source: 'aws.backup', 'detail-type': 'AWS API Call via CloudTrail', account: '222222222222', region: 'eu-west-1', time: '2026-03-04T00:00:00Z', detail: { eventSource: 'backup.amazonaws.com', eventName: 'DeleteBackupVault', requestParameters: null } }, path: 'detail.requestParameters', why: 'DeleteBackupVault without requestParameters' },
  ];
  it.each(inputs)('$why → malformed at "$path"', ({ raw, path }) => {
    const event = parseEvent(raw);
    expect(event.kind).toBe('malformed');
    expect(event.kind === 'malformed' && event.path).toBe(path);
  });

  it('treats a CloudTrail event whose source does not match its eventSource as unknown', () => {
    const raw = loadEventFixture('backup-delete-vault') as Record<string, unknown>;
    const event = parseEvent({ ...raw, source: 'aws.organizations' });
    expect(event.kind).toBe('unknown');
  });
});
