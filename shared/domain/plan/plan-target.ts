import {
  backupRoleArn,
  centralVaultHere,
  isManagedRegion,
  keysMissingGrant,
  lockState,
  optedOutSelectedTypes,
  vaultArn,
} from '../evaluate/target-facts.js';
import type { Action, ActionSpec, DesiredState, ObservedTarget } from '../model.js';
import { inExecutionOrder, plannedAction } from './action.js';
import { allowsOrgCopyIn, withOrgCopyIn } from './central-vault-policy.js';

/** What the backup role needs to use a customer-managed key for backup and for creating service grants. */
export const BACKUP_KEY_OPERATIONS = [
  'Decrypt',
  'DescribeKey',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'CreateGrant',
] as const;

/** KMS grant names allow only `[a-zA-Z0-9:/_-]`; the same name on every run keeps CreateGrant idempotent. */
export function backupGrantName(roleName: string): string {
  return `org-backup-controller-${roleName.replace(/[^a-zA-Z0-9:/_-]/g, '-')}`;
}

interface Step {
  readonly spec: ActionSpec;
  readonly target: string;
  readonly reason: string;
  readonly blocked?: Action['blocked'];
}

const IRREVERSIBLE_LOCK_BLOCK = {
  by: 'IRREVERSIBLE_LOCK',
  message:
    'A compliance-mode vault lock cannot be changed or removed once its grace period ends; ' +
    'set allowIrreversibleLock: true in the config to apply it.',
} as const;

/**
 * Plans the prerequisites of one account × Region. Nothing here deletes, and nothing touches what cannot
 * change (a vault's key, an immutable lock). `now` decides whether a compliance lock is already immutable.
 * Unreachable targets and scan-only Regions (`scanRegions`) get no actions.
 */
export function planTarget(desired: DesiredState, observed: ObservedTarget, now: Date): Action[] {
  if (!observed.reachability.ok || !isManagedRegion(desired, observed.region)) return [];
  const steps: Step[] = [
    ...planVault(desired, observed, now),
    ...planCentralVault(desired, observed),
    ...planRegionOptIn(desired, observed),
    ...planKmsGrants(desired, observed),
  ];
  return inExecutionOrder(
    steps.map(({ spec, target, reason, blocked }) => ({
      ...plannedAction(spec, { accountId: observed.accountId, region: observed.region, target, reason }),
      ...(blocked ? { blocked } : {}),
    })),
  );
}

function planVault(desired: DesiredState, observed: ObservedTarget, now: Date): Step[] {
  const { name, kmsKey, lock } = desired.vault;
  const target = vaultArn(desired, observed.accountId, observed.region, name);
  const steps: Step[] = [];
  if (observed.vault === null) {
    steps.push({
      spec: { kind: 'CreateBackupVault', vaultName: name, kmsKey },
      target,
      reason: `The backup vault ${name} that the policy targets does not exist.`,
    });
  }
  if (lock !== undefined && lockState(lock, observed.vault, now) === 'DIFFERS') {
    const compliance = lock.mode === 'compliance';
    steps.push({
      spec: {
        kind: 'PutVaultLock',
        vaultName: name,
        minRetentionDays: lock.minRetentionDays,
        maxRetentionDays: lock.maxRetentionDays,
        ...(compliance ? { changeableForDays: lock.changeableForDays } : {}),
      },
      target,
      reason: `The vault lock of ${name} is not the configured ${lock.mode} lock.`,
      ...(compliance && !desired.vault.allowIrreversibleLock ? { blocked: IRREVERSIBLE_LOCK_BLOCK } : {}),
    });
  }
  return steps;
}

function planCentralVault(desired: DesiredState, observed: ObservedTarget): Step[] {
  const central = centralVaultHere(desired, observed);
  if (central === undefined) return [];
  const steps: Step[] = [];
  const centralVault = observed.centralVault?.vault ?? null;
  // When the central vault shares the member vault's name, planVault already creates it.
  if (centralVault === null && central.name !== desired.vault.name) {
    steps.push({
      spec: { kind: 'CreateBackupVault', vaultName: central.name, kmsKey: desired.vault.kmsKey },
      target: central.arn,
      reason: `The central vault ${central.name} that copies go to does not exist.`,
    });
  }
  const accessPolicy = observed.centralVault?.accessPolicy ?? null;
  const organizationId = desired.context.organizationId;
  if (!allowsOrgCopyIn(accessPolicy, organizationId)) {
    steps.push({
      spec: {
        kind: 'PutVaultAccessPolicy',
        vaultName: central.name,
        policy: withOrgCopyIn(accessPolicy, organizationId),
      },
      target: central.arn,
      reason: `The access policy of ${central.name} does not allow backup:CopyIntoBackupVault from ${organizationId}.`,
    });
  }
  return steps;
}

function planRegionOptIn(desired: DesiredState, observed: ObservedTarget): Step[] {
  if (!desired.manageRegionOptIn) return [];
  const resourceTypes = optedOutSelectedTypes(desired, observed);
  if (resourceTypes.length === 0) return [];
  return [
    {
      spec: { kind: 'EnableRegionOptIn', resourceTypes },
      target: `${observed.accountId}/${observed.region} region settings`,
      reason: `Tag-selected resources of type ${resourceTypes.join(', ')} are skipped while opt-in is off.`,
    },
  ];
}

/**
 * A grant needs its grantee to exist. The backup role comes with the member baseline, so until it arrives
 * the target waits for a later run (and reports BACKUP_ROLE_MISSING) rather than plan a grant that would fail.
 */
function planKmsGrants(desired: DesiredState, observed: ObservedTarget): Step[] {
  if (!observed.backupRole.exists) return [];
  const granteePrincipal = backupRoleArn(desired, observed.accountId);
  const grantName = backupGrantName(desired.backupRole.name);
  return keysMissingGrant(observed).map((key) => ({
    spec: {
      kind: 'CreateKmsGrant',
      keyArn: key.arn,
      granteePrincipal,
      grantName,
      operations: BACKUP_KEY_OPERATIONS,
    },
    target: key.arn,
    reason: `The backup role cannot use the customer-managed key ${key.arn} (${key.usedBy} key).`,
  }));
}
