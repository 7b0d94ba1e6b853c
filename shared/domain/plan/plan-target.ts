import { backupGrantName, keysToGrant } from '../evaluate/key-access.js';
import {
  backupRoleArn,
  centralVaultHere,
  dynamoDbAdvancedOff,
  isManagedRegion,
  optedOutSelectedTypes,
  vaultArn,
} from '../evaluate/target-facts.js';
import { vaultLocksHere } from '../evaluate/target-locks.js';
import type { Action, ActionSpec, DesiredState, ObservedTarget } from '../model.js';
import { inExecutionOrder, plannedAction } from './action.js';
import { allowsOrgCopyIn, withOrgCopyIn } from './central-vault-policy.js';

interface Step {
  readonly spec: ActionSpec;
  readonly target: string;
  readonly reason: string;
  readonly blocked?: Action['blocked'] | undefined;
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
    ...planVault(desired, observed),
    ...planCentralVault(desired, observed),
    ...planVaultLocks(desired, observed, now),
    ...planRegionOptIn(desired, observed),
    ...planDynamoDbAdvanced(desired, observed),
    ...planKmsGrants(desired, observed),
  ];
  return inExecutionOrder(
    steps.map(({ spec, target, reason, blocked }) => ({
      ...plannedAction(spec, { accountId: observed.accountId, region: observed.region, target, reason }),
      ...(blocked ? { blocked } : {}),
    })),
  );
}

function planVault(desired: DesiredState, observed: ObservedTarget): Step[] {
  const { name, kmsKey } = desired.vault;
  if (observed.vault !== null) return [];
  return [
    {
      spec: { kind: 'CreateBackupVault', vaultName: name, kmsKey },
      target: vaultArn(desired, observed.accountId, observed.region, name),
      reason: `The backup vault ${name} that the policy targets does not exist.`,
    },
  ];
}

/**
 * Locks are only created or tightened (see vault-lock.ts). A lock that would move a vault to compliance mode
 * is planned but blocked until the config sets allowIrreversibleLock.
 */
function planVaultLocks(desired: DesiredState, observed: ObservedTarget, now: Date): Step[] {
  return vaultLocksHere(desired, observed, now).flatMap(({ vaultName, arn, decision }) => {
    if (decision.kind !== 'CREATE' && decision.kind !== 'TIGHTEN') return [];
    const { mode, ...bounds } = decision.lock;
    return [
      {
        spec: { kind: 'PutVaultLock', vaultName, ...bounds },
        target: arn,
        reason: `${decision.why} The ${mode} lock is applied to ${vaultName}.`,
        ...(mode === 'compliance' && !desired.vault.allowIrreversibleLock
          ? { blocked: IRREVERSIBLE_LOCK_BLOCK }
          : {}),
      },
    ];
  });
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

function planDynamoDbAdvanced(desired: DesiredState, observed: ObservedTarget): Step[] {
  if (desired.dynamoDbAdvanced !== 'manage' || !dynamoDbAdvancedOff(desired, observed)) return [];
  return [
    {
      spec: { kind: 'EnableAdvancedDynamoDbBackup' },
      target: `${observed.accountId}/${observed.region} region settings`,
      reason:
        'Tagged DynamoDB tables get no copies and no cold storage from the policy while advanced DynamoDB ' +
        'backup is off.',
    },
  ];
}

/**
 * kmsGrants: manage only (see key-access.ts). A grant needs its grantee to exist; the role arrives with the
 * member baseline, so without it nothing is planned.
 */
function planKmsGrants(desired: DesiredState, observed: ObservedTarget): Step[] {
  if (!observed.backupRole.exists) return [];
  const granteePrincipal = backupRoleArn(desired, observed.accountId);
  const grantName = backupGrantName(desired.backupRole.name);
  return keysToGrant(desired, observed).map(({ key, operations }) => ({
    spec: { kind: 'CreateKmsGrant', keyArn: key.arn, granteePrincipal, grantName, operations },
    target: key.arn,
    reason:
      `Neither the key policy nor a grant lets the backup role use ${key.arn}, the key of a tagged ` +
      `${key.encrypts} resource; the grant allows only ${operations.join(', ')}.`,
  }));
}
