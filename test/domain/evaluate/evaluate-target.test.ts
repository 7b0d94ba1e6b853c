import { describe, expect, it } from 'vitest';
import type { ResourceHistory } from '../../../shared/domain/evaluate/evaluate-target.js';
import { evaluateTarget } from '../../../shared/domain/evaluate/evaluate-target.js';
import type {
  DesiredState,
  ObservedTarget,
  PolicyJobRecord,
  ReasonCode,
  ResourceStatus,
  TaggedResource,
} from '../../../shared/domain/model.js';
import { REASON_CODES, RESOURCE_STATUSES } from '../../../shared/domain/model.js';
import {
  CENTRAL_VAULT,
  desiredState,
  desiredWithCentralCopy,
  NOW,
  OTHER_REGION,
} from '../fixtures/desired.js';
import {
  compliantTarget,
  ebsVolumeArn,
  ec2InstanceArn,
  effectivePolicyFor,
  HOME_TARGET,
  hoursBefore,
  job,
  policyRecoveryPoint,
  selectedResource,
  sqsQueueArn,
} from '../fixtures/observed.js';

const plain = desiredState();
const withCopy = desiredWithCentralCopy();
const volume = ebsVolumeArn();
/** Seen two days ago: with a daily 05:00 plan (+4 h of windows) its first backup was due yesterday 09:00. */
const LONG_AGO = hoursBefore(48);

/** A policy recovery point `hoursOld` hours old, which is also the newest backup Protected Resources knows. */
const recoveryPoint = (hoursOld: number) => ({
  protectedResources: [{ arn: volume, resourceType: 'EBS', lastBackupTime: hoursBefore(hoursOld) }],
  vaultRecoveryPoints: [policyRecoveryPoint({ resourceArn: volume, creationDate: hoursBefore(hoursOld) })],
});
/** A backup made outside the policy, the newest Protected Resources knows, `hoursOld` hours ago in `vault`. */
const outsideBackup = (hoursOld: number, vault: string) => ({
  arn: volume,
  resourceType: 'EBS',
  lastBackupTime: hoursBefore(hoursOld),
  lastBackupVaultArn: `arn:aws:backup:eu-west-1:222222222222:backup-vault:${vault}`,
});
const copyJob = (state: 'COMPLETED' | 'FAILED', hoursOld: number, statusMessage: string | null = null) =>
  job({
    kind: 'COPY',
    jobId: `copy-${state}`,
    resourceArn: volume,
    state,
    statusMessage,
    destinationVaultArn: CENTRAL_VAULT.arn,
    creationDate: hoursBefore(hoursOld + 1),
    completionDate: hoursBefore(hoursOld),
  });
/** The central vault as the org phase read it: the volume's newest policy copy holds a backup `hoursOld` old. */
const centralCopy = (hoursOld: number | null) => ({
  centralCopies: {
    observedAt: hoursBefore(0),
    newestCopy: (arn: string) => (arn === volume && hoursOld !== null ? hoursBefore(hoursOld) : null),
  },
});
const failedBackup = (statusMessage: string | null, hoursOld = 6) =>
  job({
    resourceArn: volume,
    state: 'FAILED',
    statusMessage,
    creationDate: hoursBefore(hoursOld),
    completionDate: null,
  });

const BUCKET = 'arn:aws:s3:::ledger-exports';
const ONTAP = `arn:aws:fsx:${HOME_TARGET.region}:${HOME_TARGET.accountId}:file-system/fs-0123456789abcdef0`;
const SOURCE_KEY = `arn:aws:kms:${HOME_TARGET.region}:${HOME_TARGET.accountId}:key/volume-key`;
const REFUSING_POLICY = JSON.stringify({
  Statement: [
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${HOME_TARGET.accountId}:root` }, Action: 'kms:*' },
  ],
});
const ORG_SHARED_POLICY = JSON.stringify({
  Statement: [
    {
      Effect: 'Allow',
      Principal: '*',
      Action: ['kms:Decrypt', 'kms:CreateGrant'],
      Condition: { StringEquals: { 'aws:PrincipalOrgID': withCopy.context.organizationId } },
    },
  ],
});
/** The volume encrypted with SOURCE_KEY, as its list call and the key's reads report it. */
const sourceKey = (base: ObservedTarget, key: Partial<ObservedTarget['keys'][number]>) => ({
  resourceDetails: { [volume]: { keyArn: SOURCE_KEY } },
  keys: [
    ...base.keys,
    {
      arn: SOURCE_KEY,
      state: 'Enabled',
      manager: 'CUSTOMER' as const,
      backupRoleHasGrant: true,
      usedBy: 'resource' as const,
      encrypts: 'EBS',
      ...key,
    },
  ],
});

interface Row {
  why: string;
  desired?: DesiredState;
  /** The one tagged resource (default: a volume carrying exactly the selection tag). */
  resource?: TaggedResource;
  observed?: (base: ObservedTarget) => Partial<ObservedTarget>;
  crossAccountBackupEnabled?: boolean | null;
  /** When history first saw the resource; absent: seen for the first time now. */
  firstSeen?: Date;
  /** null: the resource is not a finding at all. */
  status: ResourceStatus | null;
  reasons?: ReasonCode[];
}

const rows: Row[] = [
  {
    why: 'a recovery point 10 h old is within the 28 h allowed age',
    observed: () => recoveryPoint(10),
    status: 'PROTECTED',
    reasons: [],
  },
  {
    why: 'newly tagged: the first run is tomorrow 05:00',
    status: 'PENDING',
    reasons: ['AWAITING_FIRST_BACKUP'],
  },
  {
    why: 'newly tagged, and opt-in is already off: an early warning',
    observed: (base) => ({ regionOptIn: { ...base.regionOptIn, EBS: false } }),
    status: 'PENDING',
    reasons: ['AWAITING_FIRST_BACKUP', 'OPT_IN_DISABLED'],
  },
  {
    why: 'past its expected-by time with nothing in the way',
    firstSeen: LONG_AGO,
    status: 'UNPROTECTED',
    reasons: ['BACKUP_OVERDUE'],
  },
  {
    why: 'no effective policy: nothing will ever back it up, so no pending period either',
    observed: () => ({ effectivePolicy: null }),
    status: 'UNPROTECTED',
    reasons: ['NO_EFFECTIVE_POLICY'],
  },
  {
    why: 'the policy exists but none of its plans lists this Region',
    observed: () => ({ effectivePolicy: effectivePolicyFor(desiredState({ regions: [OTHER_REGION] })) }),
    status: 'UNPROTECTED',
    reasons: ['REGION_NOT_IN_POLICY'],
  },
  {
    why: 'opt-in for EBS is off, so the tag-based selection skips it silently',
    firstSeen: LONG_AGO,
    observed: (base) => ({ regionOptIn: { ...base.regionOptIn, EBS: false } }),
    status: 'UNPROTECTED',
    reasons: ['OPT_IN_DISABLED'],
  },
  {
    why: 'the vault the rule targets is missing',
    firstSeen: LONG_AGO,
    observed: () => ({ vault: null }),
    status: 'UNPROTECTED',
    reasons: ['VAULT_MISSING'],
  },
  {
    why: 'the backup role is missing',
    firstSeen: LONG_AGO,
    observed: () => ({ backupRole: { exists: false, trustsBackup: false, attachedPolicyArns: [] } }),
    status: 'UNPROTECTED',
    reasons: ['BACKUP_ROLE_MISSING'],
  },
  {
    why: 'the vault key is pending deletion',
    firstSeen: LONG_AGO,
    observed: (base) => ({ keys: base.keys.map((key) => ({ ...key, state: 'PendingDeletion' })) }),
    status: 'UNPROTECTED',
    reasons: ['KMS_KEY_PENDING_DELETION'],
  },
  {
    why: "the rule's 35-day retention is below the vault lock's 60-day minimum",
    firstSeen: LONG_AGO,
    observed: (base) => ({ vault: { ...base.vault!, locked: true, minRetentionDays: 60 } }),
    status: 'UNPROTECTED',
    reasons: ['LOCK_RETENTION_CONFLICT'],
  },
  {
    why: 'the rule copies to the central vault but cross-account backup is off',
    desired: withCopy,
    crossAccountBackupEnabled: false,
    firstSeen: LONG_AGO,
    status: 'UNPROTECTED',
    reasons: ['CROSS_ACCOUNT_BACKUP_DISABLED'],
  },
  {
    why: 'AWS Backup cannot back up an SQS queue, whatever its tag says',
    resource: selectedResource(plain, sqsQueueArn()),
    status: 'UNPROTECTED',
    reasons: ['UNSUPPORTED_RESOURCE_TYPE'],
  },
  {
    why: 'BackupEnabled=true is a near miss of True: not selected',
    resource: { arn: volume, tags: { BackupEnabled: 'true' } },
    status: 'UNPROTECTED',
    reasons: ['TAG_VALUE_MISMATCH'],
  },
  {
    why: 'an unsupported type with a near-miss tag: fixing the tag would not help',
    resource: { arn: sqsQueueArn(), tags: { backupenabled: 'True' } },
    status: 'UNPROTECTED',
    reasons: ['UNSUPPORTED_RESOURCE_TYPE', 'TAG_VALUE_MISMATCH'],
  },
  {
    why: 'BackupEnabled=False is a deliberate opt-out, not a gap',
    resource: { arn: volume, tags: { BackupEnabled: 'False' } },
    status: null,
  },
  { why: 'no selection tag at all', resource: { arn: volume, tags: { Name: 'x' } }, status: null },
  {
    why: 'the latest backup job failed with an unrecognized message',
    observed: () => ({ jobs: [failedBackup('Internal failure')] }),
    status: 'FAILING',
    reasons: ['JOB_FAILED'],
  },
  {
    why: 'the job message says the key is not accessible: the cause is KMS access',
    observed: () => ({ jobs: [failedBackup('Given key ID is not accessible')] }),
    status: 'FAILING',
    reasons: ['JOB_FAILED', 'KMS_ACCESS_DENIED'],
  },
  {
    why: 'a failed job with an older protected recovery point still fails: the latest job counts; wording AWS never published names no cause',
    observed: () => ({
      ...recoveryPoint(20),
      jobs: [failedBackup('Backup vault org-vault does not exist.', 6)],
    }),
    status: 'FAILING',
    reasons: ['JOB_FAILED'],
  },
  {
    why: 'a newer recovery point than the failed job means it recovered',
    observed: () => ({ ...recoveryPoint(2), jobs: [failedBackup('Internal failure', 6)] }),
    status: 'PROTECTED',
    reasons: [],
  },
  {
    why: 'the latest copy into the central vault was refused by its access policy',
    desired: withCopy,
    crossAccountBackupEnabled: true,
    observed: () => ({
      ...recoveryPoint(2),
      jobs: [
        copyJob('COMPLETED', 30),
        copyJob('FAILED', 1, 'Access Denied trying to call AWS Backup service'),
      ],
    }),
    status: 'FAILING',
    reasons: ['COPY_MISSING', 'CENTRAL_VAULT_POLICY_MISSING'],
  },
  {
    why: 'an S3 bucket without versioning cannot be backed up at all',
    resource: selectedResource(plain, BUCKET),
    observed: () => ({ resourceDetails: { [BUCKET]: { keyArn: null, versioningEnabled: false } } }),
    firstSeen: LONG_AGO,
    status: 'UNPROTECTED',
    reasons: ['S3_VERSIONING_DISABLED'],
  },
  {
    why: 'an FSx for ONTAP file system carries the tag: only its volumes are backed up',
    resource: selectedResource(plain, ONTAP),
    observed: () => ({ resourceDetails: { [ONTAP]: { keyArn: null, fileSystemType: 'ONTAP' } } }),
    firstSeen: LONG_AGO,
    status: 'UNPROTECTED',
    reasons: ['FSX_ONTAP_TAG_VOLUMES'],
  },
  {
    why: 'a copy refused for the source key of a volume on aws/ebs: no key policy can share it',
    desired: withCopy,
    crossAccountBackupEnabled: true,
    observed: (base) => ({
      ...recoveryPoint(2),
      ...sourceKey(base, { manager: 'AWS' }),
      jobs: [
        copyJob(
          'FAILED',
          1,
          'The source snapshot KMS key does not exist, is not enabled or you do not have permissions to access it.',
        ),
      ],
    }),
    status: 'FAILING',
    reasons: ['COPY_MISSING', 'SOURCE_KEY_NOT_SHAREABLE'],
  },
  {
    why: "a copy refused with AWS's wording: the source key's policy does not let the central account use it",
    desired: withCopy,
    crossAccountBackupEnabled: true,
    observed: (base) => ({
      ...recoveryPoint(2),
      ...sourceKey(base, { policy: REFUSING_POLICY }),
      jobs: [copyJob('FAILED', 1, `Given key ID is not accessible: ${SOURCE_KEY}`)],
    }),
    status: 'FAILING',
    reasons: ['COPY_MISSING', 'SOURCE_KEY_NOT_SHARED'],
  },
  {
    why: 'no copy yet and the key policy says none can come: the stale copy names the key',
    desired: withCopy,
    crossAccountBackupEnabled: true,
    firstSeen: LONG_AGO,
    observed: (base) => ({ ...recoveryPoint(2), ...sourceKey(base, { policy: REFUSING_POLICY }) }),
    status: 'STALE',
    reasons: ['COPY_MISSING', 'SOURCE_KEY_NOT_SHARED'],
  },
  {
    why: 'a key policy that lets the organization use the key is shared enough',
    desired: withCopy,
    crossAccountBackupEnabled: true,
    observed: (base) => ({
      ...recoveryPoint(2),
      ...sourceKey(base, { policy: ORG_SHARED_POLICY }),
      jobs: [copyJob('COMPLETED', 1)],
    }),
    status: 'PROTECTED',
    reasons: [],
  },
  {
    why: "AWS's message for an RDS-family copy across Regions and accounts at once",
    desired: withCopy,
    crossAccountBackupEnabled: true,
    observed: () => ({
      ...recoveryPoint(2),
      jobs: [
        copyJob(
          'FAILED',
          1,
          'Copy job from eu-west-1 to us-east-1 cannot be initiated for RDS resources. Feature is not supported for provided resource type.',
        ),
      ],
    }),
    status: 'FAILING',
    reasons: ['COPY_MISSING', 'COPY_UNSUPPORTED_FOR_TYPE'],
  },
  {
    why: 'the newest recovery point is 40 h old, past the 28 h allowed',
    observed: () => recoveryPoint(40),
    status: 'STALE',
    reasons: ['RECOVERY_POINT_STALE'],
  },
  {
    why: 'stale because the vault disappeared: the cause replaces the generic reason',
    observed: () => ({ ...recoveryPoint(40), vault: null }),
    status: 'STALE',
    reasons: ['VAULT_MISSING'],
  },
  {
    why: 'the policy was detached: the configured plans still define the allowed age',
    observed: () => ({ ...recoveryPoint(40), effectivePolicy: null }),
    status: 'STALE',
    reasons: ['NO_EFFECTIVE_POLICY'],
  },
  {
    why: 'a fresh local recovery point but the newest central copy is 3 days old (allowed 28 h + 3 h)',
    desired: withCopy,
    crossAccountBackupEnabled: true,
    firstSeen: hoursBefore(24 * 10),
    observed: () => ({ ...recoveryPoint(5), ...centralCopy(72) }),
    status: 'STALE',
    reasons: ['COPY_MISSING'],
  },
  {
    why: 'both the recovery point and the copy are stale',
    desired: withCopy,
    crossAccountBackupEnabled: true,
    firstSeen: hoursBefore(24 * 10),
    observed: () => ({ ...recoveryPoint(40), ...centralCopy(72) }),
    status: 'STALE',
    reasons: ['RECOVERY_POINT_STALE', 'COPY_MISSING'],
  },
  {
    why: 'fresh recovery point and a fresh central copy',
    desired: withCopy,
    crossAccountBackupEnabled: true,
    firstSeen: hoursBefore(24 * 10),
    observed: () => ({ ...recoveryPoint(5), ...centralCopy(4) }),
    status: 'PROTECTED',
    reasons: [],
  },
  {
    why: 'the copy job completed but its copy is gone from the central vault: the vault, not the job, decides',
    desired: withCopy,
    crossAccountBackupEnabled: true,
    firstSeen: hoursBefore(24 * 10),
    observed: () => ({ ...recoveryPoint(5), jobs: [copyJob('COMPLETED', 4)], ...centralCopy(null) }),
    status: 'STALE',
    reasons: ['COPY_MISSING'],
  },
  {
    why: 'the central vault not read yet and no copy known: COPY_MISSING once the copy is overdue',
    desired: withCopy,
    crossAccountBackupEnabled: true,
    firstSeen: hoursBefore(24 * 10),
    observed: () => ({ ...recoveryPoint(5), jobs: [copyJob('COMPLETED', 4)] }),
    status: 'STALE',
    reasons: ['COPY_MISSING'],
  },
  {
    why: 'first backup just done; its copy is not due yet',
    desired: withCopy,
    crossAccountBackupEnabled: true,
    observed: () => recoveryPoint(2),
    status: 'PROTECTED',
    reasons: [],
  },
  {
    why: 'Protected Resources lists the instance, not the volume: a volume counts only by its own entry',
    firstSeen: LONG_AGO,
    observed: () => ({
      protectedResources: [{ arn: ec2InstanceArn(), resourceType: 'EC2', lastBackupTime: hoursBefore(2) }],
    }),
    status: 'UNPROTECTED',
    reasons: ['BACKUP_OVERDUE'],
  },
  {
    why: 'only a team plan backed it up (newest backup in team-vault): it does not count, and is named',
    firstSeen: LONG_AGO,
    observed: () => ({ protectedResources: [outsideBackup(3, 'team-vault')] }),
    status: 'UNPROTECTED',
    reasons: ['BACKUP_OVERDUE', 'BACKED_UP_OUTSIDE_POLICY'],
  },
  {
    why: 'no effective policy, but EFS automatic backups run: the blocker stays and the outside backup is named',
    firstSeen: LONG_AGO,
    observed: () => ({
      effectivePolicy: null,
      protectedResources: [outsideBackup(3, 'aws/efs/automatic-backup-vault')],
    }),
    status: 'UNPROTECTED',
    reasons: ['NO_EFFECTIVE_POLICY', 'BACKED_UP_OUTSIDE_POLICY'],
  },
  {
    why: 'a recovery point in the configured vault made by a team plan (plan id not orgs/) does not count',
    firstSeen: LONG_AGO,
    observed: () => ({
      protectedResources: [outsideBackup(3, 'org-vault')],
      vaultRecoveryPoints: [
        policyRecoveryPoint({ resourceArn: volume, creationDate: hoursBefore(3), backupPlanId: 'a1b2c3d4' }),
      ],
    }),
    status: 'UNPROTECTED',
    reasons: ['BACKUP_OVERDUE', 'BACKED_UP_OUTSIDE_POLICY'],
  },
  {
    why: "an orgs/ recovery point of another team's policy plan (a name the controller does not render) does not count",
    firstSeen: LONG_AGO,
    observed: () => ({
      vaultRecoveryPoints: [
        policyRecoveryPoint({
          resourceArn: volume,
          creationDate: hoursBefore(3),
          backupPlanName: 'team-weekly',
        }),
      ],
    }),
    status: 'UNPROTECTED',
    reasons: ['BACKUP_OVERDUE'],
  },
  {
    why: 'the plan name matches ignoring case',
    observed: () => ({
      vaultRecoveryPoints: [
        policyRecoveryPoint({ resourceArn: volume, creationDate: hoursBefore(3), backupPlanName: 'DAILY' }),
      ],
    }),
    status: 'PROTECTED',
    reasons: [],
  },
  ...(['PARTIAL', 'EXPIRED', 'DELETING'] as const).map(
    (status): Row => ({
      why: `a ${status} policy recovery point never counts`,
      firstSeen: LONG_AGO,
      observed: () => ({
        vaultRecoveryPoints: [
          policyRecoveryPoint({ resourceArn: volume, creationDate: hoursBefore(3), status }),
        ],
      }),
      status: 'UNPROTECTED',
      reasons: ['BACKUP_OVERDUE'],
    }),
  ),
  {
    why: "EFS: the policy's own recovery point is fresh; a newer automatic backup elsewhere changes nothing",
    observed: () => ({
      protectedResources: [outsideBackup(1, 'aws/efs/automatic-backup-vault')],
      vaultRecoveryPoints: [policyRecoveryPoint({ resourceArn: volume, creationDate: hoursBefore(6) })],
    }),
    status: 'PROTECTED',
    reasons: [],
  },
  {
    why: 'the latest policy job COMPLETED with message category AccessDenied: completed with issues',
    observed: () => ({
      ...recoveryPoint(5),
      jobs: [job({ resourceArn: volume, creationDate: hoursBefore(6), messageCategory: 'AccessDenied' })],
    }),
    status: 'FAILING',
    reasons: ['BACKUP_INCOMPLETE'],
  },
  {
    why: 'COMPLETED without a category but with a status message is completed with issues too',
    observed: () => ({
      ...recoveryPoint(5),
      jobs: [
        job({
          resourceArn: volume,
          creationDate: hoursBefore(6),
          statusMessage: 'Some objects were skipped.',
        }),
      ],
    }),
    status: 'FAILING',
    reasons: ['BACKUP_INCOMPLETE'],
  },
  {
    why: 'COMPLETED with category SUCCESS (any case) is a success',
    observed: () => ({
      ...recoveryPoint(5),
      jobs: [job({ resourceArn: volume, creationDate: hoursBefore(6), messageCategory: 'success' })],
    }),
    status: 'PROTECTED',
    reasons: [],
  },
  {
    why: 'a job still RUNNING after a failed one changes nothing: the failure stands',
    observed: () => ({
      jobs: [
        failedBackup('Internal failure', 30),
        job({
          jobId: 'job-2',
          resourceArn: volume,
          state: 'RUNNING',
          creationDate: hoursBefore(6),
          completionDate: null,
        }),
      ],
    }),
    status: 'FAILING',
    reasons: ['JOB_FAILED'],
  },
  {
    why: "a team plan's failed job is not the policy's: it changes nothing",
    observed: () => ({
      ...recoveryPoint(5),
      jobs: [
        {
          ...failedBackup('Internal failure', 2),
          origin: { backupPlanId: 'a1b2c3d4', backupPlanName: 'team' },
        },
      ],
    }),
    status: 'PROTECTED',
    reasons: [],
  },
];

function evaluateRow(row: Row) {
  const desired = row.desired ?? plain;
  const resource = row.resource ?? selectedResource(desired, volume);
  const base = compliantTarget(desired, HOME_TARGET, { resources: [resource] });
  const history = new Map<string, ResourceHistory>(
    row.firstSeen
      ? [
          [
            resource.arn,
            // Covered since it was first seen: the rows test timing against an effective policy all along.
            {
              firstSeen: row.firstSeen,
              coveredSince: row.firstSeen,
              status: 'PENDING',
              since: row.firstSeen,
              ...HOME_TARGET,
            },
          ],
        ]
      : [],
  );
  return evaluateTarget({
    desired,
    observed: { ...base, ...row.observed?.(base) },
    org: { crossAccountBackupEnabled: row.crossAccountBackupEnabled ?? null },
    history,
    now: NOW,
  });
}

describe('evaluateTarget: status and reasons', () => {
  it.each(rows)('$status $reasons — $why', (row) => {
    const { findings } = evaluateRow(row);
    if (row.status === null) {
      expect(findings).toEqual([]);
      return;
    }
    expect(findings).toHaveLength(1);
    expect(findings[0]!.status).toBe(row.status);
    expect(findings[0]!.reasons).toEqual(row.reasons);
    expect(findings[0]!.detail.length).toBeGreaterThan(20);
  });

  it('covers every status and every finding reason code (check-only codes are covered by the checks)', () => {
    const checkOnly: ReasonCode[] = [
      'VAULT_KEY_MISMATCH',
      'VAULT_LOCK_MISMATCH',
      'EVENT_FORWARDING_MISSING',
      'DYNAMODB_ADVANCED_DISABLED',
      'TRUSTED_ACCESS_DISABLED',
      'RESTORE_TESTING_MISSING',
      'RESTORE_TEST_FAILED',
      'RESTORE_TEST_BLOCKED',
      'RESTORE_UNTESTED',
      'REGION_DENIED_BY_SCP',
      'RECOVERY_POINTS_EXPIRED',
      'LOCK_BECOMES_IMMUTABLE',
      'SERVICE_LINKED_ROLE_MISSING',
    ];
    const reachabilityCodes: ReasonCode[] = ['ACCOUNT_UNREACHABLE', 'OBSERVATION_FAILED'];
    const covered = new Set([
      ...rows.flatMap((row) => row.reasons ?? []),
      ...checkOnly,
      ...reachabilityCodes,
    ]);
    expect([...REASON_CODES].filter((code) => !covered.has(code))).toEqual([]);
    const statuses = new Set([...rows.map((row) => row.status), 'UNKNOWN']);
    expect(RESOURCE_STATUSES.filter((status) => !statuses.has(status))).toEqual([]);
  });
});

describe('evaluateTarget: unreachable targets', () => {
  const LAST_BACKUP = new Date('2026-03-03T05:52:00Z');
  const history = new Map<string, ResourceHistory>([
    [
      volume,
      {
        firstSeen: LONG_AGO,
        status: 'PROTECTED',
        since: LONG_AGO,
        coveredSince: LONG_AGO,
        lastBackupTime: LAST_BACKUP,
        lastCopyTime: null,
        ...HOME_TARGET,
      },
    ],
    [
      ebsVolumeArn(HOME_TARGET, 'vol-unknown'),
      { firstSeen: LONG_AGO, status: 'UNKNOWN', since: LONG_AGO, ...HOME_TARGET },
    ],
    [
      ebsVolumeArn({ ...HOME_TARGET, region: OTHER_REGION }),
      { firstSeen: LONG_AGO, status: 'PROTECTED', since: LONG_AGO, ...HOME_TARGET, region: OTHER_REGION },
    ],
  ]);

  it.each([
    { reason: 'ACCOUNT_UNREACHABLE' as const, why: 'AssumeRole was denied: the member role is missing' },
    { reason: 'OBSERVATION_FAILED' as const, why: 'throttled past retries' },
  ])('every resource known here becomes UNKNOWN with $reason ($why)', ({ reason }) => {
    const observed = compliantTarget(plain, HOME_TARGET, {
      reachability: { ok: false, reason, message: 'could not look' },
      resources: [],
    });
    const { findings, checks } = evaluateTarget({
      desired: plain,
      observed,
      org: { crossAccountBackupEnabled: null },
      history,
      now: NOW,
    });
    expect(findings.map((finding) => [finding.arn, finding.status, finding.reasons])).toEqual([
      [volume, 'UNKNOWN', [reason]],
      [ebsVolumeArn(HOME_TARGET, 'vol-unknown'), 'UNKNOWN', [reason]],
    ]);
    // Not observed now is not "never backed up": the last known backup time stays.
    expect(findings[0]).toMatchObject({
      resourceType: 'EBS',
      lastBackupTime: LAST_BACKUP.toISOString(),
      coveredSince: LONG_AGO.toISOString(),
      firstSeen: LONG_AGO.toISOString(),
      since: NOW.toISOString(),
    });
    expect(findings[1]).toMatchObject({ lastBackupTime: null });
    expect(findings[1]!.since).toBe(LONG_AGO.toISOString());
    expect(checks.every((check) => check.status === 'SKIPPED')).toBe(true);
  });
});

describe('evaluateTarget: time fields', () => {
  it('a new resource: firstSeen and since are now; expectedBy is the next 05:00 run plus 4 h of windows', () => {
    const [finding] = evaluateRow({ why: 'new', status: 'PENDING' }).findings;
    expect(finding).toMatchObject({
      firstSeen: NOW.toISOString(),
      since: NOW.toISOString(),
      expectedBy: '2026-03-05T09:00:00.000Z',
      lastBackupTime: null,
      lastCopyTime: null,
      resourceType: 'EBS',
    });
  });

  it('keeps firstSeen, and since while the status is unchanged', () => {
    const desired = plain;
    const firstSeen = hoursBefore(3);
    const observed = compliantTarget(desired, HOME_TARGET, {
      resources: [selectedResource(desired, volume)],
    });
    const history = new Map([
      [volume, { firstSeen, status: 'PENDING' as const, since: hoursBefore(2), ...HOME_TARGET }],
    ]);
    const [finding] = evaluateTarget({
      desired,
      observed,
      org: { crossAccountBackupEnabled: null },
      history,
      now: NOW,
    }).findings;
    expect(finding).toMatchObject({
      status: 'PENDING',
      firstSeen: firstSeen.toISOString(),
      since: hoursBefore(2).toISOString(),
    });
  });

  it('a protected resource reports its last backup, newest copy and when the next recovery point is due', () => {
    const [finding] = evaluateRow({
      why: 'copy',
      desired: withCopy,
      crossAccountBackupEnabled: true,
      observed: () => ({ ...recoveryPoint(5), jobs: [copyJob('COMPLETED', 28)], ...centralCopy(4) }),
      status: 'PROTECTED',
    }).findings;
    expect(finding).toMatchObject({
      lastBackupTime: hoursBefore(5).toISOString(),
      lastCopyTime: hoursBefore(4).toISOString(),
      expectedBy: new Date(hoursBefore(5).getTime() + 28 * 3_600_000).toISOString(),
    });
  });

  it('a near miss names the exact tag the policy selects', () => {
    const [finding] = evaluateRow({
      why: 'near miss',
      resource: { arn: volume, tags: { BackupEnabled: 'yes' } },
      status: 'UNPROTECTED',
    }).findings;
    expect(finding!.detail).toContain('BackupEnabled=True');
    expect(finding!.detail).toContain('BackupEnabled=yes');
  });
});

describe('evaluateTarget: the last finished policy job survives in the store', () => {
  const failedNineDaysAgo: PolicyJobRecord = {
    jobId: 'job-monthly',
    state: 'FAILED',
    creationDate: hoursBefore(24 * 9).toISOString(),
    statusMessage: 'Internal failure',
    messageCategory: 'InternalFailure',
  };
  const evaluateWith = (observed: Partial<ObservedTarget>, lastPolicyJob: PolicyJobRecord | null) =>
    evaluateTarget({
      desired: plain,
      observed: compliantTarget(plain, HOME_TARGET, {
        resources: [selectedResource(plain, volume)],
        ...observed,
      }),
      org: { crossAccountBackupEnabled: null },
      history: new Map([
        [
          volume,
          {
            firstSeen: LONG_AGO,
            status: 'FAILING' as const,
            since: hoursBefore(24 * 9),
            lastPolicyJob,
            ...HOME_TARGET,
          },
        ],
      ]),
      now: NOW,
    }).findings[0]!;

  it('a failure older than the job listing keeps the resource FAILING with the same since, and is kept', () => {
    const finding = evaluateWith({}, failedNineDaysAgo);
    expect(finding).toMatchObject({
      status: 'FAILING',
      reasons: ['JOB_FAILED'],
      since: hoursBefore(24 * 9).toISOString(),
      lastPolicyJob: failedNineDaysAgo,
    });
  });

  it('a newer policy job that completed clears it (and it is no longer kept)', () => {
    const finding = evaluateWith(
      { ...recoveryPoint(5), jobs: [job({ resourceArn: volume, creationDate: hoursBefore(6) })] },
      failedNineDaysAgo,
    );
    expect(finding.status).toBe('PROTECTED');
    expect(finding.lastPolicyJob).toBeUndefined();
  });

  it('a newer job that is still running does not clear it', () => {
    const running = job({
      resourceArn: volume,
      state: 'RUNNING',
      creationDate: hoursBefore(2),
      completionDate: null,
    });
    expect(evaluateWith({ jobs: [running] }, failedNineDaysAgo).status).toBe('FAILING');
  });
});

describe('evaluateTarget: checks', () => {
  it('returns the checks of the target next to the findings', () => {
    const { checks } = evaluateRow({
      why: 'vault gone',
      observed: () => ({ vault: null }),
      status: 'PENDING',
    });
    expect(checks.find((check) => check.check === 'VAULT_EXISTS')).toMatchObject({
      status: 'FAIL',
      reason: 'VAULT_MISSING',
    });
  });
});
