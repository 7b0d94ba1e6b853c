import { describe, expect, it } from 'vitest';
import { type ParsedEvent, parseEvent } from '../../../shared/domain/events/parse.js';
import { type ResourceUpdate, type RouteContext, routeEvent } from '../../../shared/domain/events/route.js';
import type { JobState, ReconcileTarget } from '../../../shared/domain/model.js';
import { EVENT_FIXTURE_NAMES, loadEventFixture } from '../../fixtures/events/index.js';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const ctx: RouteContext = {
  managementAccountId: MANAGEMENT,
  regions: ['us-east-1', 'eu-west-1'],
  selection: { tagKey: 'BackupEnabled', tagValue: 'True' },
  excludeAccounts: ['999999999999'],
  policyVaultName: 'org-backup-vault',
  centralVault: { accountId: MANAGEMENT, name: 'central-vault' },
};

const org: ReconcileTarget = { kind: 'org' };
const target = (accountId: string, region: string): ReconcileTarget => ({
  kind: 'account-region',
  accountId,
  region,
});
const memberEu = target(MEMBER, 'eu-west-1');
const VOLUME = `arn:aws:ec2:eu-west-1:${MEMBER}:volume/vol-0a1b2c3d4e5f6a7b8`;
const INSTANCE = `arn:aws:ec2:eu-west-1:${MEMBER}:instance/i-0123456789abcdef0`;

const jobUpdate = (
  jobState: JobState,
  jobKind: 'BACKUP' | 'COPY',
  statusMessage: string | null,
  at: string,
  arn = VOLUME,
  region = 'eu-west-1',
  byPolicy = true,
): ResourceUpdate => ({
  type: jobState === 'COMPLETED' ? 'job-completed' : 'job-failed',
  accountId: MEMBER,
  region,
  arn,
  jobKind,
  jobState,
  statusMessage,
  byPolicy,
  at: new Date(at),
});
const tagUpdate = (arn: string, tags: Record<string, string>): ResourceUpdate => ({
  type: 'tag-changed',
  accountId: MEMBER,
  region: 'eu-west-1',
  arn,
  tags,
  at: new Date('2026-03-04T10:00:00Z'),
});

interface Row {
  fixture: string;
  kind: ParsedEvent['kind'];
  targets: readonly ReconcileTarget[];
  update: ResourceUpdate | null;
  /** A fragment of `ignoredBecause`; null when the event is acted on. */
  ignored: string | null;
  why: string;
}

const KMS_NOT_ACCESSIBLE =
  'Backup job failed: the given key ID arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab is not accessible. The given key ID is not accessible.';
const VAULT_MISSING = 'Backup vault org-backup-vault does not exist in this account and region.';

// biome-ignore format: one row per line reads as a table
const rows: Row[] = [
  { fixture: 'backup-job-created', kind: 'backup-job', targets: [], update: null, ignored: 'CREATED', why: 'a job that only started changes no verdict' },
  { fixture: 'backup-job-pending', kind: 'backup-job', targets: [], update: null, ignored: 'PENDING', why: 'not finished yet' },
  { fixture: 'backup-job-running', kind: 'backup-job', targets: [], update: null, ignored: 'RUNNING', why: 'not finished yet' },
  { fixture: 'backup-job-completed', kind: 'backup-job', targets: [], update: jobUpdate('COMPLETED', 'BACKUP', null, '2026-03-04T05:39:07.223Z'), ignored: null, why: 'a completed job dates the backup by its completionDate at once; no reconcile: it can only improve the verdict, the sweep confirms it' },
  { fixture: 'backup-job-completed-with-issues', kind: 'backup-job', targets: [], update: jobUpdate('COMPLETED', 'BACKUP', 'Windows VSS Backup Job Error encountered, trying for regular backup', '2026-03-04T05:39:07.223Z'), ignored: null, why: '"completed with issues" is COMPLETED with a message: still a recovery point' },
  { fixture: 'backup-job-failed', kind: 'backup-job', targets: [memberEu], update: jobUpdate('FAILED', 'BACKUP', VAULT_MISSING, '2026-03-04T05:01:12Z'), ignored: null, why: 'a failed job marks the resource at once and reconciles its target' },
  { fixture: 'backup-job-aborted', kind: 'backup-job', targets: [memberEu], update: jobUpdate('ABORTED', 'BACKUP', 'Backup job was aborted by the user.', '2026-03-04T05:10:00Z'), ignored: null, why: 'ABORTED counts as failed' },
  { fixture: 'backup-job-expired', kind: 'backup-job', targets: [memberEu], update: jobUpdate('EXPIRED', 'BACKUP', 'Backup job failed to start before the start window expired.', '2026-03-04T06:00:30Z'), ignored: null, why: 'EXPIRED counts as failed; no completionDate, so the event time dates it' },
  { fixture: 'backup-job-partial', kind: 'backup-job', targets: [memberEu], update: jobUpdate('PARTIAL', 'BACKUP', 'Some of the child jobs failed.', '2026-03-04T05:30:00Z', `arn:aws:cloudformation:eu-west-1:${MEMBER}:stack/app/5b8f0a70-0c2d-11ef-9a1b-0a1b2c3d4e5f`), ignored: null, why: 'PARTIAL counts as failed' },
  { fixture: 'backup-job-failed-status-field', kind: 'backup-job', targets: [memberEu], update: jobUpdate('FAILED', 'BACKUP', KMS_NOT_ACCESSIBLE, '2026-03-04T05:02:00Z'), ignored: null, why: '`status` instead of `state` is read the same' },
  { fixture: 'backup-job-failed-region-not-in-policy', kind: 'backup-job', targets: [target(MEMBER, 'ap-southeast-2')], update: jobUpdate('FAILED', 'BACKUP', `Unable to assume role arn:aws:iam::${MEMBER}:role/service-role/OrgBackupRole. Please verify the role exists and trusts backup.amazonaws.com.`, '2026-03-04T05:01:00Z', VOLUME.replace('eu-west-1', 'ap-southeast-2'), 'ap-southeast-2'), ignored: null, why: 'Regions outside the policy are still reconciled so their resources get REGION_NOT_IN_POLICY' },
  { fixture: 'backup-job-failed-excluded-account', kind: 'backup-job', targets: [], update: null, ignored: 'excluded', why: 'excluded accounts are never reconciled' },
  { fixture: 'copy-job-running', kind: 'copy-job', targets: [], update: null, ignored: 'RUNNING', why: 'a running copy changes no verdict' },
  { fixture: 'copy-job-completed', kind: 'copy-job', targets: [], update: jobUpdate('COMPLETED', 'COPY', null, '2026-03-04T05:49:30Z'), ignored: null, why: 'a completed copy dates the central copy at once, without a reconcile' },
  { fixture: 'copy-job-failed', kind: 'copy-job', targets: [memberEu], update: jobUpdate('FAILED', 'COPY', 'Access Denied trying to call AWS Backup service', '2026-03-04T05:41:00Z'), ignored: null, why: 'a failed copy marks the source resource' },
  { fixture: 'restore-job-created', kind: 'restore-job', targets: [], update: null, ignored: 'restore', why: 'restores do not change coverage' },
  { fixture: 'restore-job-completed', kind: 'restore-job', targets: [], update: null, ignored: 'restore', why: 'restores do not change coverage (status spelling)' },
  { fixture: 'recovery-point-completed', kind: 'recovery-point', targets: [], update: jobUpdate('COMPLETED', 'BACKUP', null, '2026-03-04T05:39:07.223Z'), ignored: null, why: "a completed recovery point of the policy dates the backup at once; it no longer reconciles the account × Region" },
  { fixture: 'recovery-point-central-copy', kind: 'recovery-point', targets: [], update: jobUpdate('COMPLETED', 'COPY', null, '2026-03-04T05:49:30.000Z'), ignored: null, why: "a recovery point in the central vault dates the source resource's copy (another account's ARN is expected there)" },
  { fixture: 'recovery-point-team-vault', kind: 'recovery-point', targets: [], update: null, ignored: 'team-vault', why: "a team's own backup protects nothing the policy promises" },
  { fixture: 'recovery-point-partial', kind: 'recovery-point', targets: [memberEu], update: null, ignored: null, why: 'anything but COMPLETED is looked at by a reconcile' },
  { fixture: 'recovery-point-foreign-resource', kind: 'recovery-point', targets: [], update: null, ignored: 'belongs to account 222222222222', why: "an event naming another account's resource is not trusted" },
  { fixture: 'vault-created', kind: 'vault-change', targets: [memberEu], update: null, ignored: null, why: 'vault changes affect the VAULT checks' },
  { fixture: 'vault-modified-locked', kind: 'vault-change', targets: [memberEu], update: null, ignored: null, why: 'lock changes affect the VAULT_LOCK check' },
  { fixture: 'vault-deleted', kind: 'vault-change', targets: [memberEu], update: null, ignored: null, why: 'a deleted vault must be recreated' },
  { fixture: 'plan-modified', kind: 'plan-change', targets: [memberEu], update: null, ignored: null, why: 'the effective plan changed' },
  { fixture: 'plan-deleted', kind: 'plan-change', targets: [memberEu], update: null, ignored: null, why: 'the effective plan went away' },
  { fixture: 'region-setting-modified', kind: 'region-setting', targets: [memberEu], update: null, ignored: null, why: 'opt-in changes affect REGION_OPT_IN' },
  { fixture: 'tag-change-added', kind: 'tag-change', targets: [memberEu], update: tagUpdate(INSTANCE, { Name: 'web-1', BackupEnabled: 'True' }), ignored: null, why: 'the selection tag was added' },
  { fixture: 'tag-change-removed', kind: 'tag-change', targets: [memberEu], update: tagUpdate(INSTANCE, { Name: 'web-1' }), ignored: null, why: 'the selection tag was removed: tags after the change lack it' },
  { fixture: 'tag-change-near-miss', kind: 'tag-change', targets: [memberEu], update: tagUpdate(INSTANCE, { Name: 'web-1', backupenabled: 'yes' }), ignored: null, why: 'a key in another case is the selection key for routing (a near miss to report)' },
  { fixture: 'tag-change-unrelated', kind: 'tag-change', targets: [], update: null, ignored: 'did not touch BackupEnabled', why: 'other tags do not matter' },
  { fixture: 'tag-change-s3-bucket', kind: 'tag-change', targets: [memberEu], update: tagUpdate('arn:aws:s3:::acme-invoices-prod', { BackupEnabled: 'True' }), ignored: null, why: 'S3 ARNs carry no Region: the event Region is used' },
  { fixture: 'tag-change-excluded-account', kind: 'tag-change', targets: [], update: null, ignored: 'excluded', why: 'excluded accounts are never reconciled' },
  { fixture: 'org-create-account-result', kind: 'org-api-call', targets: [org, target('444444444444', 'us-east-1'), target('444444444444', 'eu-west-1')], update: null, ignored: null, why: 'a new account needs its prerequisites in every configured Region' },
  { fixture: 'org-create-account-failed', kind: 'org-api-call', targets: [], update: null, ignored: 'EMAIL_ALREADY_EXISTS', why: 'no account was created' },
  { fixture: 'org-move-account', kind: 'org-api-call', targets: [org, target('333333333333', 'us-east-1'), target('333333333333', 'eu-west-1')], update: null, ignored: null, why: 'a moved account may gain or lose the policy' },
  { fixture: 'org-move-excluded-account', kind: 'org-api-call', targets: [org], update: null, ignored: null, why: 'the org is reconciled, the excluded account is not' },
  { fixture: 'org-attach-policy', kind: 'org-api-call', targets: [org], update: null, ignored: null, why: 'attachments are org state' },
  { fixture: 'org-detach-policy', kind: 'org-api-call', targets: [org], update: null, ignored: null, why: 'a detached policy is repaired by the org reconcile' },
  { fixture: 'org-update-policy', kind: 'org-api-call', targets: [org], update: null, ignored: null, why: 'an edited policy is repaired by the org reconcile' },
  { fixture: 'org-delete-policy', kind: 'org-api-call', targets: [org], update: null, ignored: null, why: 'a deleted policy is recreated by the org reconcile' },
  { fixture: 'org-attach-policy-access-denied', kind: 'org-api-call', targets: [], update: null, ignored: 'AccessDeniedException', why: 'a failed call changed nothing' },
  { fixture: 'org-detach-policy-from-other-account', kind: 'org-api-call', targets: [], update: null, ignored: 'not the management account', why: 'Organizations events are honoured from the management account only' },
  { fixture: 'backup-delete-vault', kind: 'backup-api-call', targets: [memberEu], update: null, ignored: null, why: 'the vault must be recreated' },
  { fixture: 'backup-delete-vault-lock', kind: 'backup-api-call', targets: [memberEu], update: null, ignored: null, why: 'the lock must be put back' },
  { fixture: 'backup-put-vault-access-policy', kind: 'backup-api-call', targets: [memberEu], update: null, ignored: null, why: 'the access policy may no longer allow copies' },
  { fixture: 'backup-delete-recovery-point', kind: 'backup-api-call', targets: [memberEu], update: null, ignored: null, why: 'the newest recovery point may be gone' },
  { fixture: 'unknown-backup-start-backup-job', kind: 'unknown', targets: [], update: null, ignored: 'StartBackupJob', why: 'Backup API calls outside the list are not acted on' },
  { fixture: 'unknown-org-invite-account', kind: 'unknown', targets: [], update: null, ignored: 'InviteAccountToOrganization', why: 'an invitation changes nothing until the account joins; the sweep picks it up then' },
  { fixture: 'org-create-ou', kind: 'org-api-call', targets: [org], update: null, ignored: null, why: 'a new OU may be what an attachTo path names' },
  { fixture: 'org-close-account-result', kind: 'org-api-call', targets: [org], update: null, ignored: null, why: 'a closed account (a service event) leaves the scope; only the org is re-read' },
  { fixture: 'org-remove-account', kind: 'org-api-call', targets: [org], update: null, ignored: null, why: 'a removed account is no longer a target' },
  { fixture: 'backup-delete-vault-access-policy', kind: 'backup-api-call', targets: [memberEu], update: null, ignored: null, why: 'a deleted access policy may have protected the vault' },
  { fixture: 'kms-schedule-key-deletion', kind: 'kms-api-call', targets: [memberEu], update: null, ignored: null, why: 'the key may be the vault key or a backed-up resource key' },
  { fixture: 'kms-disable-key', kind: 'kms-api-call', targets: [memberEu], update: null, ignored: null, why: 'a disabled key fails backups that use it' },
  { fixture: 'tag-change-foreign-resource', kind: 'tag-change', targets: [], update: null, ignored: 'belongs to account 222222222222', why: "an account cannot tag another account's resource" },
  { fixture: 'backup-job-failed-not-an-arn', kind: 'backup-job', targets: [], update: null, ignored: 'is not an ARN', why: 'a resource name that is no ARN is not trusted' },
  { fixture: 'unknown-ec2-state-change', kind: 'unknown', targets: [], update: null, ignored: 'aws.ec2', why: 'other sources are counted, not acted on' },
  { fixture: 'unknown-scan-job', kind: 'unknown', targets: [], update: null, ignored: 'Scan Job State Change', why: 'malware scans do not change coverage' },
  { fixture: 'unknown-invalid-effective-tag-policy', kind: 'unknown', targets: [], update: null, ignored: 'Invalid Effective Tag Policy', why: 'aws.tag emits more than tag changes' },
  { fixture: 'malformed-not-an-object', kind: 'malformed', targets: [], update: null, ignored: 'expected object', why: 'a bare string is no event' },
  { fixture: 'malformed-missing-detail', kind: 'malformed', targets: [], update: null, ignored: 'detail', why: 'the envelope needs a detail' },
  { fixture: 'malformed-wrong-types', kind: 'malformed', targets: [], update: null, ignored: 'detail.backupJobId', why: 'a numeric job id is not the event it claims to be' },
  { fixture: 'malformed-bad-time', kind: 'malformed', targets: [], update: null, ignored: 'time', why: 'the envelope time must be ISO-8601' },
  { fixture: 'malformed-unknown-job-state', kind: 'malformed', targets: [], update: null, ignored: 'detail.state', why: 'a state AWS does not define' },
  { fixture: 'malformed-tag-change-without-resource', kind: 'malformed', targets: [], update: null, ignored: 'resources', why: 'a tag change must name its resource' },
  { fixture: 'malformed-move-account-without-account', kind: 'malformed', targets: [], update: null, ignored: 'detail.requestParameters.accountId', why: 'MoveAccount without the account moved' },
];

describe('parseEvent → routeEvent over every fixture', () => {
  it('has a row for every fixture file and a fixture for every row', () => {
    expect(rows.map((row) => row.fixture).sort()).toEqual(EVENT_FIXTURE_NAMES);
  });

  it.each(rows)('$fixture: $why', ({ fixture, kind, targets, update, ignored }) => {
    const event = parseEvent(loadEventFixture(fixture));
    expect(event.kind).toBe(kind);

    const effect = routeEvent(event, ctx);
    expect(effect.targets).toEqual(targets);
    expect(effect.resourceUpdate).toEqual(update);
    if (ignored === null) expect(effect.ignoredBecause).toBeNull();
    else expect(effect.ignoredBecause).toContain(ignored);
  });
});

describe('routeEvent context', () => {
  const tagAdded = parseEvent(loadEventFixture('tag-change-added'));

  // biome-ignore format: one row per line reads as a table
  const cases = [
    { selection: { tagKey: 'backupenabled', tagValue: 'True' }, routed: true, why: 'the selection key matches changed keys in any case' },
    { selection: { tagKey: 'Backup', tagValue: 'True' }, routed: false, why: 'a different selection key makes the same change unrelated' },
  ];
  it.each(cases)('$why', ({ selection, routed }) => {
    const effect = routeEvent(tagAdded, { ...ctx, selection });
    expect(effect.resourceUpdate !== null).toBe(routed);
    expect(effect.ignoredBecause === null).toBe(routed);
  });

  it('reconciles a created account in exactly the configured Regions', () => {
    const created = parseEvent(loadEventFixture('org-create-account-result'));
    const effect = routeEvent(created, { ...ctx, regions: ['ap-southeast-2'] });
    expect(effect.targets).toEqual([org, target('444444444444', 'ap-southeast-2')]);
  });

  it("marks events naming another account's resource as rejected, and only those", () => {
    const effects = EVENT_FIXTURE_NAMES.map((fixture) => ({
      fixture,
      rejected: routeEvent(parseEvent(loadEventFixture(fixture)), ctx).rejected === true,
    }));
    expect(effects.filter((effect) => effect.rejected).map((effect) => effect.fixture)).toEqual([
      'backup-job-failed-not-an-arn',
      'recovery-point-foreign-resource',
      'tag-change-foreign-resource',
    ]);
  });

  it('ignores a failed Backup API call', () => {
    const raw = loadEventFixture('backup-delete-vault') as { detail: Record<string, unknown> };
    const failed = { ...raw, detail: { ...raw.detail, errorCode: 'AccessDeniedException' } };
    const effect = routeEvent(parseEvent(failed), ctx);
    expect(effect.targets).toEqual([]);
    expect(effect.ignoredBecause).toContain('AccessDeniedException');
  });

  it('reconciles the target but updates no resource when a finished job names no resource', () => {
    const raw = loadEventFixture('backup-job-failed') as { detail: Record<string, unknown> };
    const { resourceArn: _dropped, ...detail } = raw.detail;
    const effect = routeEvent(parseEvent({ ...raw, detail }), ctx);
    expect(effect).toEqual({ targets: [memberEu], resourceUpdate: null, ignoredBecause: null });
  });
});
