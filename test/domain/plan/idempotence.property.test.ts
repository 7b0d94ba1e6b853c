import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../shared/domain/checks/index.js';
import type { DesiredState, KmsKeySpec, VaultLockSpec } from '../../../shared/domain/model.js';
import { planOrg } from '../../../shared/domain/plan/plan-org.js';
import { planTarget } from '../../../shared/domain/plan/plan-target.js';
import {
  CENTRAL_ACCOUNT,
  DAILY_PLAN,
  desiredState,
  EVENT_FORWARDING,
  HOME_REGION,
  MEMBER_ACCOUNT,
  NOW,
  OTHER_REGION,
} from '../fixtures/desired.js';
import {
  compliantOrg,
  compliantTarget,
  dynamoTableArn,
  ebsVolumeArn,
  ec2InstanceArn,
  keyArn,
  selectedResource,
} from '../fixtures/observed.js';

const name = fc.stringMatching(/^[A-Za-z0-9_-]{2,24}$/);
const place = fc.record({
  accountId: fc.constantFrom(MEMBER_ACCOUNT, CENTRAL_ACCOUNT),
  region: fc.constantFrom(HOME_REGION, OTHER_REGION),
});

const kmsKey: fc.Arbitrary<KmsKeySpec> = fc.oneof(
  fc.constant({ type: 'aws-managed' as const }),
  fc.constant({ type: 'arn' as const, arn: keyArn() }),
  fc.constantFrom('alias/backup-cmk', 'alias/aws/backup').map((alias) => ({ type: 'alias' as const, alias })),
);

/**
 * Valid configs only: the lock brackets DAILY_PLAN's 35-day retention and the central vault's 90-day copy
 * retention (config validation enforces both; the central vault carries the same lock).
 */
const CENTRAL_COPY_DAYS = 90;
const minRetention = fc.option(fc.integer({ min: 1, max: DAILY_PLAN.deleteAfterDays }), { nil: undefined });
const maxRetention = fc.option(fc.integer({ min: CENTRAL_COPY_DAYS, max: 36_500 }), {
  nil: undefined,
});
const lock: fc.Arbitrary<VaultLockSpec | undefined> = fc.option(
  fc.oneof(
    fc.record({
      mode: fc.constant('governance' as const),
      minRetentionDays: minRetention,
      maxRetentionDays: maxRetention,
    }),
    fc.record({
      mode: fc.constant('compliance' as const),
      minRetentionDays: minRetention,
      maxRetentionDays: maxRetention,
      changeableForDays: fc.integer({ min: 3, max: 90 }),
    }),
  ),
  { nil: undefined },
);

const desired: fc.Arbitrary<DesiredState> = fc
  .record({
    vaultName: name,
    kmsKey,
    lock,
    allowIrreversibleLock: fc.boolean(),
    central: fc.option(fc.record({ where: place, name, copy: fc.boolean() }), { nil: undefined }),
    forwarding: fc.boolean(),
    attachTo: fc.subarray(['root', 'ou-abcd1234', '/Workloads/Prod', MEMBER_ACCOUNT]),
    manageRegionOptIn: fc.boolean(),
    managedPolicies: fc.subarray(desiredState().backupRole.managedPolicyArns as string[]),
  })
  .map((generated) => {
    const base = desiredState();
    return desiredState({
      attachTo: generated.attachTo,
      plans: [{ ...DAILY_PLAN, copyToCentralVault: generated.central?.copy ?? false }],
      vault: {
        name: generated.vaultName,
        kmsKey: generated.kmsKey,
        allowIrreversibleLock: generated.allowIrreversibleLock,
        ...(generated.lock ? { lock: generated.lock } : {}),
      },
      ...(generated.central
        ? {
            centralVault: {
              ...generated.central.where,
              name: generated.central.name,
              arn: `arn:aws:backup:${generated.central.where.region}:${generated.central.where.accountId}:backup-vault:${generated.central.name}`,
              deleteAfterDays: CENTRAL_COPY_DAYS,
            },
          }
        : {}),
      ...(generated.forwarding ? { eventForwarding: EVENT_FORWARDING } : {}),
      manageRegionOptIn: generated.manageRegionOptIn,
      backupRole: { ...base.backupRole, managedPolicyArns: generated.managedPolicies },
    });
  });

describe('planner idempotence (property)', () => {
  it('plans nothing, and fails no check, when the observed state already is the desired one', () => {
    fc.assert(
      fc.property(
        desired,
        place,
        fc.subarray([ebsVolumeArn, ec2InstanceArn, dynamoTableArn]),
        (state, where, arns) => {
          const observed = compliantTarget(state, where, {
            resources: arns.map((arnOf) => selectedResource(state, arnOf(where))),
            keys: [
              ...compliantTarget(state, where).keys,
              {
                arn: keyArn(where, 'data'),
                state: 'Enabled',
                manager: 'CUSTOMER',
                backupRoleHasGrant: true,
                usedBy: 'resource',
              },
            ],
          });
          expect(planOrg(state, compliantOrg(state))).toEqual({ actions: [], problems: [] });
          expect(planTarget(state, observed, NOW)).toEqual([]);
          const org = { crossAccountBackupEnabled: state.centralVault ? true : null };
          const failed = runChecks({ desired: state, observed, org, now: NOW }).filter(
            (check) => check.status === 'FAIL',
          );
          expect(failed).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
