import { describe, expect, it } from 'vitest';
import { classifyJobFailure, isJobFailure, JobNotFailedError } from '../../shared/domain/job-messages.js';

const KEY = 'arn:aws:kms:eu-west-1:222222222222:key/k1';

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
      kind: 'COPY',
      state: 'FAILED',
      message: 'Access Denied trying to call AWS Backup service',
      reason: 'CENTRAL_VAULT_POLICY_MISSING',
      why: "AWS's own wording for a destination vault policy that does not let the account copy in",
    },
    {
      kind: 'COPY',
      state: 'FAILED',
      message: 'ACCESS DENIED TRYING TO CALL AWS BACKUP SERVICE',
      reason: 'CENTRAL_VAULT_POLICY_MISSING',
      why: 'matching ignores letter case',
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
      reason: 'KMS_ACCESS_DENIED',
      why: 're:Post wording; it names no key, so no keyArn',
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
      state: 'FAILED',
      message: 'Backup vault org-backup does not exist.',
      reason: 'JOB_FAILED',
      why: 'wording AWS has not published is never taken for a cause (the vault check says whether it exists)',
    },
    {
      kind: 'BACKUP',
      state: 'FAILED',
      message: `KMS key ${KEY} is pending deletion.`,
      reason: 'JOB_FAILED',
      why: 'unpublished wording; the key state check sees a pending deletion itself',
    },
    {
      kind: 'BACKUP',
      state: 'FAILED',
      message: `User: arn:aws:sts::222222222222:assumed-role/OrgBackupServiceRole/x is not authorized to perform: kms:Decrypt on resource: ${KEY}`,
      reason: 'JOB_FAILED',
      why: 'no AWS page shows a job failing with this wording',
    },
    {
      kind: 'COPY',
      state: 'FAILED',
      message: 'Cross-account backup is not enabled for this organization.',
      reason: 'JOB_FAILED',
      why: 'unpublished wording; the CROSS_ACCOUNT_BACKUP check reads the setting itself',
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
