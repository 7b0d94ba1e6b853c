import { describe, expect, it } from 'vitest';
import type {
  DesiredState,
  ObservedKey,
  ObservedTarget,
  ObservedVault,
  TaggedResource,
  VaultLockSpec,
} from '../../../shared/domain/model.js';
import { allowsOrgCopyIn } from '../../../shared/domain/plan/central-vault-policy.js';
import { planTarget } from '../../../shared/domain/plan/plan-target.js';
import {
  CENTRAL_ACCOUNT,
  CENTRAL_VAULT,
  desiredState,
  desiredWithCentralCopy,
  EVENT_FORWARDING,
  HOME_REGION,
  MEMBER_ACCOUNT,
  NOW,
  ORG_ID,
  OTHER_REGION,
} from '../fixtures/desired.js';
import {
  compliantTarget,
  dynamoTableArn,
  ebsVolumeArn,
  HOME_TARGET,
  hoursAfter,
  hoursBefore,
  keyArn,
  selectedResource,
} from '../fixtures/observed.js';

const kinds = (desired: DesiredState, observed: ObservedTarget) =>
  planTarget(desired, observed, NOW).map((action) => action.spec.kind);

describe('planTarget: reachability and idempotence', () => {
  it('plans nothing for an unreachable target: nothing is known about it', () => {
    const desired = desiredState();
    const observed = compliantTarget(desired, HOME_TARGET, {
      reachability: { ok: false, reason: 'ACCOUNT_UNREACHABLE', message: 'AssumeRole denied' },
      vault: null,
    });
    expect(planTarget(desired, observed, NOW)).toEqual([]);
  });

  it('plans nothing when everything is in place', () => {
    const desired = desiredWithCentralCopy({ eventForwarding: EVENT_FORWARDING });
    const observed = compliantTarget(desired, { accountId: CENTRAL_ACCOUNT, region: HOME_REGION });
    expect(planTarget(desired, observed, NOW)).toEqual([]);
  });
});

describe('planTarget: vault lock', () => {
  const governance: VaultLockSpec = { mode: 'governance', minRetentionDays: 7, maxRetentionDays: 365 };
  const compliance: VaultLockSpec = { ...governance, mode: 'compliance', changeableForDays: 3 };
  const unlocked = { locked: false, minRetentionDays: null, maxRetentionDays: null, lockDate: null };
  const governed = { locked: true, minRetentionDays: 7, maxRetentionDays: 365, lockDate: null };
  const inGrace = { ...governed, lockDate: hoursAfter(24) };
  const immutable = { ...governed, lockDate: hoursBefore(24) };

  type Written = { minRetentionDays?: number; maxRetentionDays?: number; changeableForDays?: number };
  const rows: {
    lock: VaultLockSpec;
    vault: Pick<ObservedVault, 'locked' | 'minRetentionDays' | 'maxRetentionDays' | 'lockDate'>;
    expected: 'none' | { written: Written; blocked?: 'IRREVERSIBLE_LOCK' };
    why: string;
  }[] = [
    {
      lock: governance,
      vault: unlocked,
      expected: { written: { minRetentionDays: 7, maxRetentionDays: 365 } },
      why: 'no lock yet: the configured one',
    },
    { lock: governance, vault: governed, expected: 'none', why: 'as configured' },
    {
      lock: governance,
      vault: { ...governed, minRetentionDays: 30, maxRetentionDays: 400 },
      expected: { written: { minRetentionDays: 30, maxRetentionDays: 365 } },
      why: 'never loosened: max(mins), min(maxes) keeps the stricter minimum of 30',
    },
    {
      lock: governance,
      vault: { ...governed, minRetentionDays: 30, maxRetentionDays: 100 },
      expected: 'none',
      why: 'a stricter lock is left untouched (VAULT_LOCK_MISMATCH WARN)',
    },
    {
      lock: governance,
      vault: { ...governed, minRetentionDays: 1, maxRetentionDays: 30 },
      expected: 'none',
      why: 'tightening the minimum to 7 would be fine, but max 30 < the 35-day rule: jobs would fail, so no write',
    },
    {
      lock: governance,
      vault: { ...governed, minRetentionDays: 40, maxRetentionDays: 365 },
      expected: 'none',
      why: 'the existing minimum 40 already exceeds the 35-day rule; nothing is written',
    },
    {
      lock: governance,
      vault: { ...inGrace, minRetentionDays: 1, maxRetentionDays: 400 },
      expected: 'none',
      why: 'a compliance lock in its grace period is never replaced by a governance lock',
    },
    {
      lock: governance,
      vault: immutable,
      expected: 'none',
      why: 'an immutable compliance lock can never change',
    },
    {
      lock: compliance,
      vault: governed,
      expected: {
        written: { minRetentionDays: 7, maxRetentionDays: 365, changeableForDays: 3 },
        blocked: 'IRREVERSIBLE_LOCK',
      },
      why: 'governance → compliance needs allowIrreversibleLock',
    },
    {
      lock: compliance,
      vault: unlocked,
      expected: {
        written: { minRetentionDays: 7, maxRetentionDays: 365, changeableForDays: 3 },
        blocked: 'IRREVERSIBLE_LOCK',
      },
      why: 'same, on an unlocked vault',
    },
    { lock: compliance, vault: inGrace, expected: 'none', why: 'a compliance lock is never rewritten' },
    {
      lock: compliance,
      vault: { ...immutable, minRetentionDays: 1 },
      expected: 'none',
      why: 'immutable, even if different',
    },
  ];
  it.each(rows)('$lock.mode lock on $vault → $expected ($why)', ({ lock, vault, expected }) => {
    const desired = desiredState({ vault: { ...desiredState().vault, lock } });
    const observed = compliantTarget(desired);
    const actions = planTarget(desired, { ...observed, vault: { ...observed.vault!, ...vault } }, NOW);
    if (expected === 'none') {
      expect(actions).toEqual([]);
      return;
    }
    expect(actions).toHaveLength(1);
    expect(actions[0]!.spec).toEqual({
      kind: 'PutVaultLock',
      vaultName: desired.vault.name,
      ...expected.written,
    });
    expect(actions[0]!.blocked?.by).toBe(expected.blocked);
  });

  it('locks the central vault too when it has its own name, with the copy retention inside the lock', () => {
    const base = desiredWithCentralCopy();
    const desired = { ...base, vault: { ...base.vault, lock: governance } };
    const observed = compliantTarget(desired, { accountId: CENTRAL_ACCOUNT, region: HOME_REGION });
    const central = observed.centralVault!;
    const actions = planTarget(
      desired,
      { ...observed, centralVault: { ...central, vault: { ...central.vault!, ...unlocked } } },
      NOW,
    );
    expect(actions.map((action) => [action.spec, action.target])).toEqual([
      [
        {
          kind: 'PutVaultLock',
          vaultName: desired.centralVault!.name,
          minRetentionDays: 7,
          maxRetentionDays: 365,
        },
        desired.centralVault!.arn,
      ],
    ]);
  });

  it('applies a compliance lock unblocked when the config allows an irreversible lock', () => {
    const desired = desiredState({
      vault: { ...desiredState().vault, lock: compliance, allowIrreversibleLock: true },
    });
    const observed = compliantTarget(desired);
    const [action] = planTarget(desired, { ...observed, vault: { ...observed.vault!, ...unlocked } }, NOW);
    expect(action?.spec.kind).toBe('PutVaultLock');
    expect(action?.blocked).toBeUndefined();
  });

  it('locks a vault created in the same run, after creating it', () => {
    const desired = desiredState({ vault: { ...desiredState().vault, lock: governance } });
    expect(kinds(desired, compliantTarget(desired, HOME_TARGET, { vault: null }))).toEqual([
      'CreateBackupVault',
      'PutVaultLock',
    ]);
  });

  it('plans nothing for a vault on the wrong key: a key cannot change (the check reports it)', () => {
    const desired = desiredState({
      vault: { ...desiredState().vault, kmsKey: { type: 'arn', arn: keyArn() } },
    });
    const observed = compliantTarget(desired);
    const vault: ObservedVault = { ...observed.vault!, encryptionKeyArn: keyArn(HOME_TARGET, 'other') };
    expect(planTarget(desired, { ...observed, vault }, NOW)).toEqual([]);
  });
});

describe('planTarget: central vault', () => {
  const desired = desiredWithCentralCopy();
  const place = { accountId: CENTRAL_ACCOUNT, region: HOME_REGION };
  const observed = compliantTarget(desired, place);
  const withPolicy = (accessPolicy: string | null): ObservedTarget => ({
    ...observed,
    centralVault: { vault: observed.centralVault!.vault, accessPolicy },
  });
  const otherStatement = {
    Sid: 'AuditRead',
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::444444444444:root' },
    Action: 'backup:DescribeBackupVault',
    Resource: '*',
  };

  it('creates the missing central vault and then its access policy', () => {
    const actions = planTarget(
      desired,
      { ...observed, centralVault: { vault: null, accessPolicy: null } },
      NOW,
    );
    expect(actions.map((action) => [action.spec.kind, action.target])).toEqual([
      ['CreateBackupVault', CENTRAL_VAULT.arn],
      ['PutVaultAccessPolicy', CENTRAL_VAULT.arn],
    ]);
  });

  it('only looks after the central vault in its own account and Region', () => {
    const elsewhere = compliantTarget(desired, HOME_TARGET, {
      centralVault: { vault: null, accessPolicy: null },
    });
    expect(planTarget(desired, elsewhere, NOW)).toEqual([]);
  });

  it.each([
    {
      policy: {
        Version: '2012-10-17',
        Statement: [
          otherStatement,
          {
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: ['backup:CopyIntoBackupVault'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } },
          },
        ],
      },
      planned: false,
      why: 'another statement already allows the org to copy in',
    },
    {
      policy: {
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          Principal: '*',
          Action: 'backup:*',
          Resource: '*',
          Condition: { 'ForAnyValue:StringLike': { 'aws:principalorgid': [ORG_ID] } },
        },
      },
      planned: false,
      why: 'a wildcard action and lower-cased condition key still allow it',
    },
    {
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 'backup:CopyIntoBackupVault',
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-someoneelse' } },
          },
        ],
      },
      planned: true,
      why: 'the condition names another organization',
    },
    {
      policy: {
        Version: '2012-10-17',
        Statement: [{ ...otherStatement, Action: 'backup:CopyIntoBackupVault' }],
      },
      planned: true,
      why: 'one account may copy in, not the organization',
    },
    {
      policy: { Version: '2012-10-17', Statement: [otherStatement] },
      planned: true,
      why: 'nothing allows copy-in',
    },
  ])('access policy: planned=$planned ($why)', ({ policy, planned }) => {
    const actions = planTarget(desired, withPolicy(JSON.stringify(policy)), NOW);
    expect(actions.map((action) => action.spec.kind)).toEqual(planned ? ['PutVaultAccessPolicy'] : []);
  });

  it('keeps the statements already in the policy, since the put replaces the whole document', () => {
    const existing = JSON.stringify({ Version: '2012-10-17', Statement: [otherStatement] });
    const [action] = planTarget(desired, withPolicy(existing), NOW);
    if (action?.spec.kind !== 'PutVaultAccessPolicy') throw new Error('expected PutVaultAccessPolicy');
    const written = JSON.parse(action.spec.policy);
    expect(written.Statement).toContainEqual(otherStatement);
    expect(written.Statement).toHaveLength(2);
    expect(allowsOrgCopyIn(action.spec.policy, ORG_ID)).toBe(true);
  });

  it('replaces its own stale statement instead of adding a second one', () => {
    const stale = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'OrgBackupControllerCopyIn',
          Effect: 'Allow',
          Principal: '*',
          Action: 'backup:CopyIntoBackupVault',
          Resource: '*',
        },
      ],
    });
    const [action] = planTarget(desired, withPolicy(stale), NOW);
    if (action?.spec.kind !== 'PutVaultAccessPolicy') throw new Error('expected PutVaultAccessPolicy');
    expect(JSON.parse(action.spec.policy).Statement).toHaveLength(1);
    expect(allowsOrgCopyIn(action.spec.policy, ORG_ID)).toBe(true);
  });
});

describe('planTarget: the baseline owns roles and forwarding, the same in every Region', () => {
  const desired = desiredState({ eventForwarding: EVENT_FORWARDING });
  const missingEverything = (region: string) =>
    compliantTarget(
      desired,
      { ...HOME_TARGET, region },
      {
        backupRole: { exists: false, trustsBackup: false, attachedPolicyArns: [] },
        eventForwarding: {
          ruleExists: false,
          targetsBus: false,
          roleExists: false,
          ruleState: null,
          eventPattern: null,
        },
        keys: [
          {
            arn: keyArn(),
            state: 'Enabled',
            manager: 'CUSTOMER',
            backupRoleHasGrant: false,
            usedBy: 'vault',
          },
        ],
      },
    );

  it.each([
    { region: HOME_REGION, why: 'the first configured Region plans no role either' },
    { region: OTHER_REGION, why: 'a grant to a role that does not exist yet would fail' },
  ])('$region → nothing until the role arrives ($why)', ({ region }) => {
    expect(kinds(desired, missingEverything(region))).toEqual([]);
  });
});

describe('planTarget: KMS grants (kmsGrants: report by default, manage writes only narrow grants)', () => {
  const report = desiredState();
  const manage = desiredState({ kmsGrants: 'manage' });
  const s3Key: ObservedKey = {
    arn: keyArn(HOME_TARGET, 'bucket-key'),
    state: 'Enabled',
    manager: 'CUSTOMER',
    backupRoleHasGrant: false,
    usedBy: 'resource',
    encrypts: 'S3',
  };
  const grantsOf = (desired: DesiredState, keys: ObservedKey[], overrides: Partial<ObservedTarget> = {}) =>
    planTarget(desired, compliantTarget(desired, HOME_TARGET, { keys, ...overrides }), NOW).flatMap(
      (action) => (action.spec.kind === 'CreateKmsGrant' ? [action.spec] : []),
    );

  it('report (the default) writes no grant, whatever the key', () => {
    expect(report.kmsGrants).toBe('report');
    expect(grantsOf(report, [s3Key, { ...s3Key, arn: keyArn(HOME_TARGET, 'db'), encrypts: 'RDS' }])).toEqual(
      [],
    );
  });

  it.each([
    { encrypts: 'S3', operations: ['Decrypt', 'DescribeKey'], why: 'an S3 source is only read' },
    {
      encrypts: 'Aurora',
      operations: ['DescribeKey', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'CreateGrant', 'RetireGrant'],
      why: 'RDS-family snapshots are re-encrypted and handed to the service',
    },
  ])('manage writes only the narrow named grant for $encrypts ($why)', ({ encrypts, operations }) => {
    expect(grantsOf(manage, [{ ...s3Key, encrypts }])).toEqual([
      {
        kind: 'CreateKmsGrant',
        keyArn: s3Key.arn,
        granteePrincipal: `arn:aws:iam::${MEMBER_ACCOUNT}:role/OrgBackupRole`,
        grantName: 'org-backup-controller-OrgBackupRole',
        operations,
      },
    ]);
  });

  it.each([
    {
      key: { ...s3Key, backupRoleHasGrant: true },
      why: 'the key policy (or a grant) already allows the role',
    },
    { key: { ...s3Key, controllerGrantExists: true }, why: 'its named grant exists: never again' },
    { key: { ...s3Key, usedBy: 'vault' as const }, why: 'vault keys: AWS Backup makes its own grants' },
    {
      key: { ...s3Key, arn: keyArn({ ...HOME_TARGET, accountId: CENTRAL_ACCOUNT }, 'x') },
      why: "another account's key",
    },
    { key: { ...s3Key, manager: 'AWS' as const }, why: 'AWS-managed keys take no grants' },
    { key: { ...s3Key, state: 'PendingDeletion' }, why: 'an unusable key' },
    { key: { ...s3Key, encrypts: 'EBS' }, why: 'no documented narrow operation list for this use' },
  ])('manage writes nothing when $why', ({ key }) => {
    expect(grantsOf(manage, [key])).toEqual([]);
  });

  it('manage writes nothing while the backup role does not exist (the member baseline brings it)', () => {
    const missingRole = { backupRole: { exists: false, trustsBackup: false, attachedPolicyArns: [] } };
    expect(grantsOf(manage, [s3Key], missingRole)).toEqual([]);
  });

  it('plans one grant per key even when the key is observed twice', () => {
    expect(grantsOf(manage, [s3Key, s3Key])).toHaveLength(1);
  });
});

describe('planTarget: Region opt-in', () => {
  const desired = desiredState();
  const volume = selectedResource(desired, ebsVolumeArn());
  const table = selectedResource(desired, dynamoTableArn());
  it.each([
    {
      resources: [volume, table],
      optIn: { EBS: false, DynamoDB: false },
      expected: [['DynamoDB', 'EBS']],
      why: 'one action for all types',
    },
    {
      resources: [volume],
      optIn: { EBS: true, DynamoDB: false },
      expected: [],
      why: 'only types present matter',
    },
    {
      resources: [volume],
      optIn: {},
      expected: [],
      why: 'a type the settings do not list is not known to be off',
    },
    {
      resources: [{ arn: ebsVolumeArn(), tags: { BackupEnabled: 'true' } }],
      optIn: { EBS: false },
      expected: [],
      why: 'a near-miss tag does not select the resource',
    },
  ] as { resources: TaggedResource[]; optIn: Record<string, boolean>; expected: string[][]; why: string }[])(
    '$why',
    ({ resources, optIn, expected }) => {
      const actions = planTarget(
        desired,
        compliantTarget(desired, HOME_TARGET, { resources, regionOptIn: optIn }),
        NOW,
      );
      expect(
        actions.map((action) =>
          action.spec.kind === 'EnableRegionOptIn' ? action.spec.resourceTypes : null,
        ),
      ).toEqual(expected);
    },
  );

  it('leaves opt-in alone when the config does not manage it', () => {
    const unmanaged = desiredState({ manageRegionOptIn: false });
    const observed = compliantTarget(unmanaged, HOME_TARGET, {
      resources: [volume],
      regionOptIn: { EBS: false },
    });
    expect(planTarget(unmanaged, observed, NOW)).toEqual([]);
  });
});

describe('planTarget: Regions and per-Region central vaults', () => {
  it('plans nothing in a scan-only Region, however much is missing there', () => {
    const desired = desiredState({ scanRegions: ['us-west-2'] });
    const observed = compliantTarget(desired, { ...HOME_TARGET, region: 'us-west-2' }, { vault: null });
    expect(planTarget(desired, observed, NOW)).toEqual([]);
  });

  it.each([
    { region: HOME_REGION, why: "the home Region's central vault" },
    {
      region: OTHER_REGION,
      why: 'each configured Region has its own central vault receiving same-Region copies',
    },
  ])('creates the per-Region central vault in $region ($why)', ({ region }) => {
    const desired = desiredWithCentralCopy({ centralVault: { ...CENTRAL_VAULT, perRegion: true } });
    const observed = compliantTarget(
      desired,
      { accountId: CENTRAL_ACCOUNT, region },
      {
        centralVault: { vault: null, accessPolicy: null },
      },
    );
    const expectedArn = `arn:aws:backup:${region}:${CENTRAL_ACCOUNT}:backup-vault:${CENTRAL_VAULT.name}`;
    expect(planTarget(desired, observed, NOW).map((action) => [action.spec.kind, action.target])).toEqual([
      ['CreateBackupVault', expectedArn],
      ['PutVaultAccessPolicy', expectedArn],
    ]);
  });
});
