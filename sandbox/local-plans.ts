import type { SimPlan } from './effective-policy.js';
import {
  ensureAwsManagedBackupKey,
  type JobOrigin,
  type SimRegion,
  type SimState,
  uuidFrom,
} from './state.js';
import type { WorldRegion } from './world.js';

/**
 * Backups an account makes without the organization policy: its teams' own plans, and EFS automatic backups
 * (file systems created in the EFS console are backed up daily into `aws/efs/automatic-backup-vault`,
 * https://docs.aws.amazon.com/efs/latest/ug/awsbackup.html). They run like the policy's plans, but their
 * plan ids do not start `orgs/`.
 */

export const EFS_AUTOMATIC_BACKUP_VAULT = 'aws/efs/automatic-backup-vault';
const EFS_AUTOMATIC_BACKUP_PLAN = 'aws/efs/automatic-backup-plan';
/** Invented: AWS does not say when in the day EFS automatic backups run. Later than the examples' 05:00. */
const EFS_AUTOMATIC_BACKUP_SCHEDULE = 'cron(0 7 ? * * *)';
const EFS_AUTOMATIC_BACKUP_RETENTION_DAYS = 35;
const LOCAL_START_WINDOW_MINUTES = 60;
const LOCAL_COMPLETION_WINDOW_MINUTES = 180;

/** The role AWS Backup creates for itself in every account; local plans here run as it. */
export const serviceLinkedBackupRoleArn = (accountId: string) =>
  `arn:aws:iam::${accountId}:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup`;

export function teamPlan(spec: WorldRegion['plans'][number], accountId: string, region: string): SimPlan {
  return {
    name: spec.name,
    regions: [region],
    rules: [
      {
        name: `${spec.name}-rule`,
        schedule: spec.schedule,
        startWindowMinutes: LOCAL_START_WINDOW_MINUTES,
        completionWindowMinutes: LOCAL_COMPLETION_WINDOW_MINUTES,
        vaultName: spec.vault,
        deleteAfterDays: spec.deleteAfterDays,
        copyActions: [],
      },
    ],
    selections: Object.entries(spec.tags).map(([key, value]) => ({
      roleArn: serviceLinkedBackupRoleArn(accountId),
      tag: { key, values: [value] },
    })),
  };
}

/** EFS automatic backups of these file systems; AWS creates the vault they go to. */
export function efsAutomaticBackupPlan(
  state: SimState,
  region: SimRegion,
  fileSystemArns: readonly string[],
): SimPlan {
  if (!region.vaults.has(EFS_AUTOMATIC_BACKUP_VAULT)) {
    const key = ensureAwsManagedBackupKey(state, region);
    region.vaults.set(EFS_AUTOMATIC_BACKUP_VAULT, {
      name: EFS_AUTOMATIC_BACKUP_VAULT,
      arn: `arn:aws:backup:${region.region}:${region.accountId}:backup-vault:${EFS_AUTOMATIC_BACKUP_VAULT}`,
      accountId: region.accountId,
      region: region.region,
      encryptionKeyArn: key.arn,
      encryptionKeyType: 'AWS_OWNED_KMS_KEY',
      creationDate: state.now,
      recoveryPoints: [],
    });
  }
  return {
    name: EFS_AUTOMATIC_BACKUP_PLAN,
    regions: [region.region],
    rules: [
      {
        name: 'DailyBackups',
        schedule: EFS_AUTOMATIC_BACKUP_SCHEDULE,
        startWindowMinutes: LOCAL_START_WINDOW_MINUTES,
        completionWindowMinutes: LOCAL_COMPLETION_WINDOW_MINUTES,
        vaultName: EFS_AUTOMATIC_BACKUP_VAULT,
        deleteAfterDays: EFS_AUTOMATIC_BACKUP_RETENTION_DAYS,
        copyActions: [],
      },
    ],
    selections: [
      { roleArn: serviceLinkedBackupRoleArn(region.accountId), resourceTypes: [...fileSystemArns] },
    ],
  };
}

/** Who made a local plan's jobs: a plan id that is not an organization policy's. */
export function localPlanOrigin(
  accountId: string,
  region: string,
  plan: SimPlan,
  ruleName: string,
): JobOrigin {
  const backupPlanId = uuidFrom(`local-plan:${accountId}:${region}:${plan.name}`);
  return {
    backupPlanId,
    backupPlanArn: `arn:aws:backup:${region}:${accountId}:backup-plan:${backupPlanId}`,
    backupPlanName: plan.name,
    backupPlanVersion: uuidFrom(`local-version:${accountId}:${region}:${plan.name}`).replaceAll('-', ''),
    backupRuleId: uuidFrom(`local-rule:${accountId}:${region}:${plan.name}:${ruleName}`),
    backupRuleName: ruleName,
    backupRuleCron: plan.rules.find((rule) => rule.name === ruleName)?.schedule ?? '',
  };
}
