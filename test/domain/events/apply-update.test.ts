import { describe, expect, it } from 'vitest';
import { type ApplyUpdateContext, applyResourceUpdate } from '../../../shared/domain/events/apply-update.js';
import { parseEvent } from '../../../shared/domain/events/parse.js';
import { type ResourceUpdate, routeEvent } from '../../../shared/domain/events/route.js';
import type { JobState, ResourceFinding } from '../../../shared/domain/model.js';
import { loadEventFixture } from '../../fixtures/events/index.js';

const MEMBER = '222222222222';
const VOLUME = `arn:aws:ec2:eu-west-1:${MEMBER}:volume/vol-0a1b2c3d4e5f6a7b8`;
const QUEUE = `arn:aws:sqs:eu-west-1:${MEMBER}:orders`;
const NOW = '2026-03-04T10:05:00.000Z';
const EARLIER = '2026-03-01T00:00:00.000Z';
const TAGGED_AT = '2026-03-04T10:00:00.000Z';

/** Daily at 05:00 UTC, 60 + 120 minutes of windows: tagged at 10:00 → due 2026-03-05T05:00 + 3 h. */
const DAILY = { schedule: 'cron(0 5 ? * * *)', startWindowMinutes: 60, completionWindowMinutes: 120 };
const DUE = '2026-03-05T08:00:00.000Z';

const ctx: ApplyUpdateContext = {
  selection: { tagKey: 'BackupEnabled', tagValue: 'True' },
  effectiveRules: [DAILY],
  copyRequired: false,
  now: new Date(NOW),
};

const finding = (overrides: Partial<ResourceFinding> = {}): ResourceFinding => ({
  accountId: MEMBER,
  region: 'eu-west-1',
  arn: VOLUME,
  resourceType: 'EBS',
  status: 'PROTECTED',
  reasons: [],
  detail: 'Backed up within the allowed age.',
  warnings: [],
  lastBackupTime: '2026-03-03T05:40:00.000Z',
  lastCopyTime: null,
  expectedBy: null,
  firstSeen: EARLIER,
  since: EARLIER,
  ...overrides,
});

const job = (
  jobKind: 'BACKUP' | 'COPY',
  jobState: JobState,
  statusMessage: string | null,
  at = '2026-03-04T05:01:12.000Z',
): ResourceUpdate => ({
  type: jobState === 'COMPLETED' ? 'job-completed' : 'job-failed',
  accountId: MEMBER,
  region: 'eu-west-1',
  arn: VOLUME,
  jobKind,
  jobState,
  statusMessage,
  byPolicy: true,
  at: new Date(at),
});

const tagged = (tags: Record<string, string>, arn = VOLUME): ResourceUpdate => ({
  type: 'tag-changed',
  accountId: MEMBER,
  region: 'eu-west-1',
  arn,
  tags,
  at: new Date(TAGGED_AT),
});

/** The same job, made by a team's own plan instead of the policy. */
const outsidePolicy = (update: ResourceUpdate): ResourceUpdate =>
  update.type === 'tag-changed' ? update : { ...update, byPolicy: false };
const FIRST_BACKUP = '2026-03-05T05:40:00.000Z';
const FIRST_COPY = '2026-03-05T05:55:00.000Z';
const pending = (overrides: Partial<ResourceFinding> = {}) =>
  finding({
    status: 'PENDING',
    reasons: ['AWAITING_FIRST_BACKUP'],
    detail: 'Newly covered.',
    expectedBy: DUE,
    lastBackupTime: null,
    ...overrides,
  });

const VAULT_GONE = 'Backup vault org-backup-vault does not exist.';
/** AWS's wording for a copy the destination vault's access policy refuses. */
const POLICY_REFUSES = 'Access Denied trying to call AWS Backup service';
/** AWS's wording for a key the job cannot use. */
const KEY_REFUSED = 'Given key ID is not accessible';

interface Row {
  previous: ResourceFinding | null;
  update: ResourceUpdate;
  context?: Partial<ApplyUpdateContext>;
  /** The fields that must hold; null when the resource must have no finding. */
  expected: Partial<ResourceFinding> | null;
  why: string;
}

// biome-ignore format: one row per line reads as a table
const rows: Row[] = [
  // job-failed
  { previous: null, update: job('BACKUP', 'FAILED', KEY_REFUSED), expected: { status: 'FAILING', reasons: ['JOB_FAILED', 'KMS_ACCESS_DENIED'], resourceType: 'EBS', firstSeen: NOW, since: NOW, lastBackupTime: null, expectedBy: null }, why: 'a failed job for an unseen resource starts its finding as FAILING with the classified cause' },
  { previous: finding(), update: job('BACKUP', 'FAILED', KEY_REFUSED), expected: { status: 'FAILING', reasons: ['JOB_FAILED', 'KMS_ACCESS_DENIED'], firstSeen: EARLIER, since: NOW, lastBackupTime: '2026-03-03T05:40:00.000Z' }, why: 'PROTECTED → FAILING moves since and keeps history' },
  { previous: finding({ status: 'FAILING', reasons: ['JOB_FAILED'], since: EARLIER }), update: job('BACKUP', 'FAILED', KEY_REFUSED), expected: { status: 'FAILING', reasons: ['JOB_FAILED', 'KMS_ACCESS_DENIED'], since: EARLIER }, why: 'still FAILING: since stays, the reasons follow the newest failure' },
  { previous: finding({ status: 'PENDING', reasons: ['AWAITING_FIRST_BACKUP'], expectedBy: DUE, lastBackupTime: null }), update: job('BACKUP', 'ABORTED', null), expected: { status: 'FAILING', reasons: ['JOB_FAILED'], expectedBy: DUE, detail: 'The latest backup job ended ABORTED at 2026-03-04T05:01:12.000Z: AWS gave no message' }, why: 'an aborted job without message is plain JOB_FAILED; expectedBy is kept' },
  { previous: finding(), update: job('BACKUP', 'EXPIRED', 'Backup job failed to start before the start window expired.'), expected: { status: 'FAILING', reasons: ['JOB_FAILED'] }, why: 'EXPIRED is a failure with no more specific cause' },
  { previous: finding(), update: job('COPY', 'FAILED', POLICY_REFUSES), expected: { status: 'FAILING', reasons: ['COPY_MISSING', 'CENTRAL_VAULT_POLICY_MISSING'] }, why: 'a refused copy is COPY_MISSING plus the vault-policy cause' },
  { previous: finding(), update: job('COPY', 'FAILED', 'Something unexpected happened.'), expected: { status: 'FAILING', reasons: ['COPY_MISSING'] }, why: 'an unclassified copy failure is just COPY_MISSING, not JOB_FAILED' },
  { previous: finding(), update: job('COPY', 'FAILED', VAULT_GONE), expected: { status: 'FAILING', reasons: ['COPY_MISSING'] }, why: 'wording AWS never published names no cause: just COPY_MISSING' },
  { previous: finding({ lastBackupTime: '2026-03-04T06:00:00.000Z' }), update: job('BACKUP', 'FAILED', VAULT_GONE, '2026-03-04T05:00:00.000Z'), expected: finding({ lastBackupTime: '2026-03-04T06:00:00.000Z' }), why: 'a failure older than the newest recorded backup arrived late and changes nothing' },
  { previous: finding({ lastCopyTime: '2026-03-04T06:00:00.000Z' }), update: job('COPY', 'FAILED', POLICY_REFUSES, '2026-03-04T05:00:00.000Z'), expected: finding({ lastCopyTime: '2026-03-04T06:00:00.000Z' }), why: 'the same holds for copies against the newest copy' },
  // job-completed
  { previous: null, update: job('BACKUP', 'COMPLETED', null), expected: null, why: 'a completed job does not invent a finding; the reconcile that follows creates it' },
  { previous: finding({ status: 'FAILING', reasons: ['JOB_FAILED'], since: EARLIER }), update: job('BACKUP', 'COMPLETED', null, '2026-03-04T05:39:07.223Z'), expected: { status: 'FAILING', reasons: ['JOB_FAILED'], since: EARLIER, lastBackupTime: '2026-03-04T05:39:07.223Z' }, why: 'completion dates the backup; the verdict waits for the reconcile' },
  { previous: finding({ lastBackupTime: '2026-03-04T07:00:00.000Z' }), update: job('BACKUP', 'COMPLETED', null, '2026-03-04T05:39:07.223Z'), expected: finding({ lastBackupTime: '2026-03-04T07:00:00.000Z' }), why: 'an older completion never moves lastBackupTime back' },
  { previous: finding(), update: job('COPY', 'COMPLETED', null, '2026-03-04T05:49:30.000Z'), expected: finding({ lastCopyTime: '2026-03-04T05:49:30.000Z' }), why: 'a completed copy dates the central copy only' },
  { previous: pending(), update: job('BACKUP', 'COMPLETED', null, FIRST_BACKUP), expected: { status: 'PROTECTED', reasons: [], since: NOW, lastBackupTime: FIRST_BACKUP, expectedBy: null }, why: 'the first backup of the policy turns a PENDING resource PROTECTED without waiting for the sweep' },
  { previous: pending(), update: job('BACKUP', 'COMPLETED', null, FIRST_BACKUP), context: { copyRequired: true }, expected: { status: 'PENDING', since: EARLIER, lastBackupTime: FIRST_BACKUP }, why: 'with a central vault the first backup alone is not enough: PENDING until its copy' },
  { previous: pending({ lastBackupTime: FIRST_BACKUP }), update: job('COPY', 'COMPLETED', null, FIRST_COPY), context: { copyRequired: true }, expected: { status: 'PROTECTED', since: NOW, lastCopyTime: FIRST_COPY }, why: 'the copy that follows the first backup completes the protection' },
  { previous: pending(), update: outsidePolicy(job('BACKUP', 'COMPLETED', null, FIRST_BACKUP)), expected: pending(), why: "a backup by a team's own plan protects nothing the policy promises and dates nothing" },
  { previous: pending({ reasons: ['AWAITING_FIRST_BACKUP', 'BACKUP_ROLE_MISSING'] }), update: job('BACKUP', 'COMPLETED', null, FIRST_BACKUP), expected: { status: 'PENDING', lastBackupTime: FIRST_BACKUP }, why: 'a PENDING resource with a blocker waits for the reconcile to explain the contradiction' },
  { previous: pending(), update: job('BACKUP', 'COMPLETED', 'Windows VSS Backup Job Error encountered, trying for regular backup', FIRST_BACKUP), expected: { status: 'PENDING', lastBackupTime: FIRST_BACKUP }, why: 'completed with issues is not a plain success: the reconcile judges it' },
  // tag-changed
  { previous: null, update: tagged({ BackupEnabled: 'True' }), expected: { status: 'PENDING', reasons: ['AWAITING_FIRST_BACKUP'], expectedBy: DUE, resourceType: 'EBS', firstSeen: NOW, since: NOW, lastBackupTime: null }, why: 'newly tagged: PENDING until the first run after tagging plus both windows' },
  { previous: null, update: tagged({ BackupEnabled: 'True' }, 'arn:aws:s3:::acme-invoices-prod'), expected: { status: 'PENDING', resourceType: 'S3', expectedBy: DUE }, why: 'the resource type comes from the ARN' },
  { previous: null, update: tagged({ BackupEnabled: 'True' }), context: { effectiveRules: [] }, expected: { status: 'UNPROTECTED', reasons: ['NO_EFFECTIVE_POLICY'], expectedBy: null }, why: 'tagged but no effective rules: it will never be backed up' },
  { previous: null, update: tagged({ BackupEnabled: 'True' }, QUEUE), expected: { status: 'UNPROTECTED', reasons: ['UNSUPPORTED_RESOURCE_TYPE'], resourceType: null, expectedBy: null }, why: 'a tagged SQS queue is a gap the owner cannot see' },
  { previous: finding(), update: tagged({ BackupEnabled: 'True', Owner: 'team-a' }), expected: finding(), why: 'already selected before: the change says nothing new' },
  { previous: finding({ status: 'UNPROTECTED', reasons: ['TAG_VALUE_MISMATCH'], lastBackupTime: null }), update: tagged({ BackupEnabled: 'True' }), expected: { status: 'PENDING', reasons: ['AWAITING_FIRST_BACKUP'], expectedBy: DUE, firstSeen: EARLIER, since: NOW }, why: 'a near miss fixed: PENDING from now, first seen earlier' },
  { previous: null, update: tagged({ BackupEnabled: 'yes' }), expected: { status: 'UNPROTECTED', reasons: ['TAG_VALUE_MISMATCH'], expectedBy: null, firstSeen: NOW, since: NOW }, why: 'a near-miss value is reported, not ignored' },
  { previous: finding(), update: tagged({ backupenabled: 'True' }), expected: { status: 'UNPROTECTED', reasons: ['TAG_VALUE_MISMATCH'], since: NOW, firstSeen: EARLIER, lastBackupTime: '2026-03-03T05:40:00.000Z' }, why: 'a key re-cased to a near miss loses selection at once' },
  { previous: finding(), update: tagged({ Name: 'web-1' }), expected: null, why: 'the selection tag removed: the resource leaves the report' },
  { previous: null, update: tagged({ BackupEnabled: 'False' }), expected: null, why: 'a value meaning "no" is neither selected nor a near miss' },
];

describe('applyResourceUpdate', () => {
  it.each(rows)('$why', ({ previous, update, context, expected }) => {
    const next = applyResourceUpdate(previous, update, { ...ctx, ...context });
    if (expected === null) expect(next).toBeNull();
    else expect(next).toMatchObject(expected);
  });

  it('keeps identity from the update and explains every non-PROTECTED verdict', () => {
    for (const { previous, update, context } of rows) {
      const next = applyResourceUpdate(previous, update, { ...ctx, ...context });
      if (next === null) continue;
      expect([next.accountId, next.region, next.arn]).toEqual([update.accountId, update.region, update.arn]);
      if (next.status !== 'PROTECTED') expect(next.reasons.length).toBeGreaterThan(0);
      expect(next.detail).not.toBe('');
    }
  });
});

describe('fixture → parse → route → applyResourceUpdate', () => {
  const routeCtx = {
    managementAccountId: '111111111111',
    regions: ['us-east-1', 'eu-west-1'],
    selection: ctx.selection,
    excludeAccounts: [],
    policyVaultName: 'org-backup-vault',
    centralVault: null,
  };

  // biome-ignore format: one row per line reads as a table
  const flows = [
    { fixture: 'backup-job-failed', expected: { status: 'FAILING', reasons: ['JOB_FAILED'], arn: VOLUME }, why: 'a failed job makes the resource FAILING within one event' },
    { fixture: 'backup-job-failed-region-not-in-policy', expected: { status: 'FAILING', reasons: ['JOB_FAILED'], region: 'ap-southeast-2' }, why: 'a message in wording AWS never published names no cause' },
    { fixture: 'copy-job-failed', expected: { status: 'FAILING', reasons: ['COPY_MISSING', 'CENTRAL_VAULT_POLICY_MISSING'] }, why: 'a refused central copy' },
    { fixture: 'tag-change-added', expected: { status: 'PENDING', reasons: ['AWAITING_FIRST_BACKUP'], expectedBy: DUE, resourceType: 'EC2' }, why: 'a new tag makes the instance PENDING with its expected-by time' },
    { fixture: 'tag-change-near-miss', expected: { status: 'UNPROTECTED', reasons: ['TAG_VALUE_MISMATCH'] }, why: 'backupenabled=yes is reported as a near miss' },
    { fixture: 'tag-change-removed', expected: null, why: 'a removed tag drops the finding' },
  ];
  it.each(flows)('$fixture: $why', ({ fixture, expected }) => {
    const { resourceUpdate } = routeEvent(parseEvent(loadEventFixture(fixture)), routeCtx);
    expect(resourceUpdate).not.toBeNull();
    const next = applyResourceUpdate(null, resourceUpdate!, ctx);
    if (expected === null) expect(next).toBeNull();
    else expect(next).toMatchObject(expected);
  });
});
