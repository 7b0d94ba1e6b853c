import { kmsKeySpec } from './config/kms-key.js';
import type { Config } from './config/schema.js';
import { ControllerError } from './errors.js';
import type { DesiredState, RuntimeContext } from './model.js';
import { backupVaultArn, configPartition, POLICY_DESCRIPTION, renderBackupPolicy } from './policy/render.js';
import type { Partition } from './regions.js';

/** The central event bus infra deploys in the management account; member Regions forward to it. */
export const CENTRAL_EVENT_BUS_NAME = 'org-backup-controller';
export const EVENT_FORWARDING_RULE_NAME = 'org-backup-controller-forward';
export const EVENT_FORWARDING_ROLE_NAME = 'OrgBackupEventForwarding';

/**
 * Backup events the controller reacts to, plus tag changes (a resource gaining or losing the selection tag).
 * One flat pattern, no `$or`: every listed detail-type belongs to exactly one of the two sources. Job
 * progress (CREATED, PENDING, RUNNING) and successful completions are not forwarded: they cannot make a
 * verdict worse, the hourly sweep records them, and a busy backup window would otherwise send every job's
 * life story across accounts (billed to the sender as custom events). Events without a `state` field (tag
 * changes, recovery points, which say `status`) pass through `exists: false`.
 */
const FORWARDED_EVENT_PATTERN = JSON.stringify({
  source: ['aws.backup', 'aws.tag'],
  'detail-type': [
    'Backup Job State Change',
    'Copy Job State Change',
    'Recovery Point State Change',
    'Backup Vault State Change',
    'Backup Plan State Change',
    'Region Setting State Change',
    'Tag Change on Resource',
  ],
  detail: { state: [{ 'anything-but': ['CREATED', 'PENDING', 'RUNNING', 'COMPLETED'] }, { exists: false }] },
});

export class PartitionMismatchError extends ControllerError {
  constructor(configPartitionName: string, contextPartition: string) {
    super(
      'PARTITION_MISMATCH',
      `The config's Regions are in partition ${configPartitionName}, but the controller runs in ${contextPartition}.`,
    );
  }
}

/** Everything the controller should make true, from the validated config and the deployment's facts. */
export function buildDesiredState(config: Config, context: RuntimeContext): DesiredState {
  const partition = configPartition(config);
  if (context.partition !== undefined && context.partition !== partition) {
    throw new PartitionMismatchError(partition, context.partition);
  }
  const central = config.centralVault;
  const centralRegion = central?.region ?? context.homeRegion;
  return {
    mode: config.mode,
    context,
    selection: config.selection,
    regions: config.regions,
    scanRegions: config.scanRegions ?? null,
    attachTo: config.attachTo,
    excludeAccounts: config.excludeAccounts,
    plans: config.plans,
    policy: {
      name: config.policyName,
      description: POLICY_DESCRIPTION,
      content: renderBackupPolicy(config).minified,
    },
    vault: {
      name: config.vault.name,
      kmsKey: kmsKeySpec(config.vault.kmsKey),
      ...(config.vault.lock ? { lock: config.vault.lock } : {}),
      allowIrreversibleLock: config.vault.allowIrreversibleLock,
    },
    ...(central
      ? {
          centralVault: {
            accountId: central.accountId,
            region: centralRegion,
            name: central.name,
            arn: backupVaultArn(partition, centralRegion, central.accountId, central.name),
            deleteAfterDays: central.deleteAfterDays,
            perRegion: central.region === undefined,
          },
        }
      : {}),
    backupRole: {
      name: config.backupRoleName,
      arnTemplate: `arn:${partition}:iam::$account:role/${config.backupRoleName}`,
      managedPolicyArns: backupRolePolicyArns(partition),
    },
    memberRoleName: config.memberRoleName,
    manageRegionOptIn: config.manageRegionOptIn,
    kmsGrants: config.kmsGrants,
    dynamoDbAdvanced: config.dynamoDbAdvanced,
    blastRadius: config.blastRadius,
    ...(context.eventBusArn
      ? {
          eventForwarding: {
            ruleName: EVENT_FORWARDING_RULE_NAME,
            busArn: context.eventBusArn,
            roleName: EVENT_FORWARDING_ROLE_NAME,
            eventPattern: FORWARDED_EVENT_PATTERN,
          },
        }
      : {}),
  };
}

/**
 * The main two live under `service-role/`, the S3 ones do not. The main backup policy has no S3
 * permissions, so without the S3 pair every tagged bucket's job fails.
 */
function backupRolePolicyArns(partition: Partition): string[] {
  return [
    'service-role/AWSBackupServiceRolePolicyForBackup',
    'service-role/AWSBackupServiceRolePolicyForRestores',
    'AWSBackupServiceRolePolicyForS3Backup',
    'AWSBackupServiceRolePolicyForS3Restore',
  ].map((path) => `arn:${partition}:iam::aws:policy/${path}`);
}
