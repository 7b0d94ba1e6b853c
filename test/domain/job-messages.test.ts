import { describe, expect, it } from 'vitest';
import { classifyJobFailure, isJobFailure, JobNotFailedError } from '../../shared/domain/job-messages.js';

const KEY = 'arn:aws:kms:eu-west-1:222222222222:key/k1';
const CENTRAL = 'arn:aws:backup:eu-west-1:444444444444:backup-vault:org-backup-central';

describe('classifyJobFailure', () => {
  const cases: {
    kind: 'BACKUP' | 'COPY';
    state: string;
    message: string | null;
    reason: string;
    keyArn?: string;
    why: string;
  }[] = [
    {
      kind: 'BACKUP',
      state: 'FAILED',
      message: 'Backup vault org-backup does not exist.',
      reason: 'VAULT_MISSING',
      why: 'sandbox wording: the policy names a vault that was never created',
    },
    {
      kind: 'COPY',
      state: 'FAILED',
      message: `Destination backup vault ${CENTRAL} does not exist.`,
      reason: 'COPY_MISSING',
      why: 'a copy job whose destination is missing leaves the central copy missing',
    },
    {
      kind: 'BACKUP',
      state: 'FAILED',
      message:
        'Unable to assume role arn:aws:iam::222222222222:role/OrgBackupServiceRole. ' +
        'Verify that the role exists and trusts backup.amazonaws.com.',
      reason: 'BACKUP_ROLE_MISSING',
      why: 'role missing or not trusting Backup',
    },
    {
      kind: 'BACKUP',
      state: 'FAILED',
      message: `Given key ID is not accessible: ${KEY}`,
      reason: 'KMS_ACCESS_DENIED',
      keyArn: KEY,
      why: 'the key ARN at the very end of the message is extracted',
    },
    {
      kind: 'COPY',
      state: 'FAILED',
      message:
        'The source snapshot KMS key does not exist, is not enabled or you do not have permissions to access it',
      reason: 'SOURCE_KEY_NOT_SHARED',
      why: 're:Post wording for a copy refused by the source key; it names no key, so no keyArn',
    },
    {
      kind: 'BACKUP',
      state: 'FAILED',
      message: `User: arn:aws:sts::222222222222:assumed-role/OrgBackupServiceRole/x is not authorized to perform: kms:Decrypt on resource: ${KEY}`,
      reason: 'KMS_ACCESS_DENIED',
      keyArn: KEY,
      why: 'IAM access-denied wording for a KMS action',
    },
    {
      kind: 'BACKUP',
      state: 'FAILED',
      message: `KMS key ${KEY} is pending deletion.`,
      reason: 'KMS_KEY_PENDING_DELETION',
      keyArn: KEY,
      why: 'sandbox wording; the trailing period is not part of the ARN',
    },
    {
      kind: 'BACKUP',
      state: 'FAILED',
      message: `KMS key ${KEY} is disabled.`,
      reason: 'KMS_KEY_PENDING_DELETION',
      keyArn: KEY,
      why: 'a disabled key breaks backups the same way (the reason code covers both)',
    },
    {
      kind: 'BACKUP',
      state: 'FAILED',
      message:
        'Lifecycle retention of 35 days is outside the range allowed by the vault lock on org-backup ' +
        '(minimum 60 days, maximum 400 days).',
      reason: 'LOCK_RETENTION_CONFLICT',
      why: 'rule retention below the lock minimum',
    },
    {
      kind: 'COPY',
      state: 'FAILED',
      message: 'Cross-account backup is not enabled for this organization.',
      reason: 'CROSS_ACCOUNT_BACKUP_DISABLED',
      why: 'global setting off in the management account',
    },
    {
      kind: 'COPY',
      state: 'FAILED',
      message: `Access denied: the access policy of destination backup vault ${CENTRAL} does not allow backup:CopyIntoBackupVault from this account.`,
      reason: 'CENTRAL_VAULT_POLICY_MISSING',
      why: 'names the destination vault too, but "does not allow" is not "does not exist"',
    },
    {
      kind: 'COPY',
      state: 'FAILED',
      message: 'Access Denied trying to call AWS Backup service',
      reason: 'CENTRAL_VAULT_POLICY_MISSING',
      why: "AWS's own wording for a destination vault policy that does not let the account copy in",
    },
    {
      kind: 'COPY',
      state: 'FAILED',
      message:
        'Copy job failed. Both source and destination account must be a member of the same organization',
      reason: 'JOB_FAILED',
      why: 'real AWS wording with no specific reason code: the raw message stays in the detail',
    },
    {
      kind: 'BACKUP',
      state: 'ABORTED',
      message: 'The job was aborted because the completion window elapsed.',
      reason: 'JOB_FAILED',
      why: 'no more specific cause',
    },
    {
      kind: 'BACKUP',
      state: 'EXPIRED',
      message: null,
      reason: 'JOB_FAILED',
      why: 'EXPIRED jobs carry no message',
    },
    {
      kind: 'BACKUP',
      state: 'EXPIRED',
      message: '',
      reason: 'JOB_FAILED',
      why: 'events send "" for no message',
    },
    {
      kind: 'BACKUP',
      state: 'PARTIAL',
      message: 'BACKUP VAULT ORG-BACKUP DOES NOT EXIST.',
      reason: 'VAULT_MISSING',
      why: 'matching ignores letter case',
    },
  ];
  it.each(cases)('$kind $state "$message" -> $reason ($why)', ({ kind, state, message, reason, keyArn }) => {
    const expected = keyArn === undefined ? { reason } : { reason, keyArn };
    expect(classifyJobFailure({ kind, state, statusMessage: message })).toEqual(expected);
  });

  it.each([
    { state: 'COMPLETED', why: 'succeeded (with or without issues), so there is a recovery point' },
    { state: 'RUNNING', why: 'still in progress' },
    { state: 'CREATED', why: 'waiting for its start window' },
  ])('refuses a $state job ($why)', ({ state }) => {
    const classify = () =>
      classifyJobFailure({ kind: 'BACKUP', state, statusMessage: 'Backup vault x does not exist.' });
    expect(classify).toThrow(JobNotFailedError);
    expect(classify).toThrow(expect.objectContaining({ code: 'JOB_NOT_FAILED' }));
  });
});

describe('isJobFailure', () => {
  it.each([
    { state: 'FAILED', failed: true, why: 'failed outright' },
    { state: 'ABORTED', failed: true, why: 'cancelled, e.g. completion window elapsed' },
    { state: 'EXPIRED', failed: true, why: 'never started within the start window' },
    { state: 'PARTIAL', failed: true, why: 'not all of the resource was backed up' },
    { state: 'COMPLETED', failed: false, why: '"completed with issues" still made a recovery point' },
    { state: 'ABORTING', failed: false, why: 'not finished yet' },
    { state: 'PENDING', failed: false, why: 'not finished yet' },
  ])('$state -> $failed ($why)', ({ state, failed }) => {
    expect(isJobFailure({ state })).toBe(failed);
  });
});
