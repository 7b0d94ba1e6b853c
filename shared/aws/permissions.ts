/**
 * IAM actions the observers call. Infra builds the controller's policies from these lists plus
 * ACTION_CATALOG (writes); a test checks that every command the observers send is listed here.
 */

/** Called with the management account's own credentials (the controller's Lambda role). */
export const MANAGEMENT_READ_PERMISSIONS: readonly string[] = [
  'organizations:DescribeOrganization',
  'organizations:ListRoots',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListAccountsForParent',
  'organizations:ListAccounts',
  'organizations:ListPolicies',
  'organizations:DescribePolicy',
  'organizations:ListTargetsForPolicy',
  // One account per chain of inherited backup policies, read for all of the chain's accounts.
  'organizations:DescribeEffectivePolicy',
  // The controller's own policy is recognised by the tag it writes at creation.
  'organizations:ListTagsForResource',
  // Whether trusted access for AWS Backup is on (organization-wide job monitoring).
  'organizations:ListAWSServiceAccessForOrganization',
  'backup:DescribeGlobalSettings',
  // Into the member role of every account.
  'sts:AssumeRole',
];

/** Called through the member role in every account (and by the management account on itself as a target). */
export const MEMBER_READ_PERMISSIONS: readonly string[] = [
  'tag:GetResources',
  'tag:GetTagKeys',
  'backup:ListProtectedResources',
  'backup:DescribeBackupVault',
  'backup:GetBackupVaultAccessPolicy',
  'backup:DescribeRegionSettings',
  'backup:ListRecoveryPointsByBackupVault',
  'backup:ListBackupJobs',
  'backup:ListCopyJobs',
  // Restore testing (only where the config sets restoreTesting).
  'backup:ListRestoreTestingPlans',
  'backup:ListRestoreTestingSelections',
  'backup:ListRestoreJobs',
  'organizations:DescribeEffectivePolicy',
  'iam:GetRole',
  'iam:ListAttachedRolePolicies',
  'events:DescribeRule',
  'events:ListTargetsByRule',
  'kms:DescribeKey',
  'kms:ListGrants',
  // The Regions enabled in the account, scanned for tagged resources outside the policy.
  'account:ListRegions',
  // Whether a resource key's policy lets the backup role and the central account use it.
  'kms:GetKeyPolicy',
  // Which key encrypts each tagged resource, and its engine or type.
  'ec2:DescribeVolumes',
  'rds:DescribeDBInstances',
  'rds:DescribeDBClusters',
  'fsx:DescribeFileSystems',
  's3:GetBucketVersioning',
  's3:GetEncryptionConfiguration',
];

export const READ_PERMISSIONS: readonly string[] = [
  ...new Set([...MANAGEMENT_READ_PERMISSIONS, ...MEMBER_READ_PERMISSIONS]),
].sort();
