/**
 * The configs behind the golden policy documents in this folder. Each golden file was rendered once and
 * then checked by hand against AWS's backup policy syntax reference (structure, operator placement, string numbers, copy
 * action key = explicit target ARN); the tests compare the minified text exactly, so any rendering change
 * shows up as a diff to review.
 */

/** As close to a minimal worked example of the documented syntax as our config allows. */
export const FACTS_1_8_CONFIG = {
  version: 1,
  regions: ['us-east-1', 'eu-west-1'],
  selection: { tagKey: 'backup', tagValue: 'daily' },
  plans: [
    {
      name: 'org-daily',
      schedule: 'cron(0 3 ? * * *)',
      startWindowMinutes: 60,
      completionWindowMinutes: 720,
      deleteAfterDays: 35,
      copyToCentralVault: true,
    },
  ],
  vault: { name: 'org-backup-vault' },
  centralVault: {
    accountId: '111122223333',
    region: 'eu-central-1',
    name: 'central-copy',
    deleteAfterDays: 90,
  },
  backupRoleName: 'OrgBackupServiceRole',
};

/** Central vault in every Region (no centralVault.region), a plan with cold storage, one without copies. */
export const PER_REGION_CONFIG = {
  version: 1,
  regions: ['eu-west-1', 'eu-central-1'],
  plans: [
    { name: 'daily', deleteAfterDays: 35, copyToCentralVault: true },
    { name: 'Monthly', schedule: 'cron(0 3 1 * ? *)', deleteAfterDays: 400, coldStorageAfterDays: 30 },
  ],
  vault: { name: 'OrgBackup' },
  centralVault: { accountId: '444444444444', name: 'OrgBackupCentral', deleteAfterDays: 90 },
};

/** GovCloud: the partition reaches every ARN. */
export const GOVCLOUD_CONFIG = {
  version: 1,
  regions: ['us-gov-west-1'],
  plans: [{ name: 'daily', deleteAfterDays: 14, copyToCentralVault: true }],
  centralVault: { accountId: '444444444444', region: 'us-gov-east-1', deleteAfterDays: 30 },
};
