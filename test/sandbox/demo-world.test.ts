import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorld, type WorldOu } from '../../sandbox/world.js';
import { loadConfigFromText } from '../../shared/domain/config/index.js';

const root = join(import.meta.dirname, '../..');
const world = loadWorld(readFileSync(join(root, 'sandbox/demo/world.yaml'), 'utf8'), 'world.yaml');
const config = loadConfigFromText(
  readFileSync(join(root, 'examples/orgbackup.config.yaml'), 'utf8'),
  'config',
);

const countOus = (ous: readonly WorldOu[]): number =>
  ous.reduce((sum, ou) => sum + 1 + countOus(ou.ous ?? []), 0);

describe('the demo world npm start runs', () => {
  const regions = Object.values(world.accounts).flatMap((account) => Object.entries(account.regions));
  const resources = regions.flatMap(([, region]) => region.resources);

  it('is the size the main job promises: ≥ 10 accounts in ≥ 3 OUs, 2 policy Regions, ≥ 200 resources', () => {
    expect(Object.keys(world.accounts).length).toBeGreaterThanOrEqual(10);
    expect(countOus(world.organization.ous)).toBeGreaterThanOrEqual(3);
    expect(config.ok && config.config.regions).toHaveLength(2);
    expect(resources.length).toBeGreaterThanOrEqual(200);
  });

  it('plants the problems the story tells (each one a why)', () => {
    const planted = {
      'an account without the member role': Object.values(world.accounts).some((a) => !a.memberRole),
      'an opt-in turned off': regions.some(([, r]) => Object.values(r.optIn).includes(false)),
      'an immutable compliance lock': regions.some(([, r]) => r.vaults.some((v) => v.lock?.lockDate)),
      'a resource on a customer-managed key': resources.some((r) => r.kmsKeyArn),
      'a key policy refusing the backup role': regions.some(([, r]) =>
        r.keys.some((k) => !k.allowsBackupRole),
      ),
      'file systems with EFS automatic backups': resources.some((r) => r.efsAutomaticBackup),
      'near-miss tags': resources.some((r) => r.tags.BackupEnabled === 'true' || r.tags.backupenabled),
      'a tagged resource in a Region outside the policy': regions.some(([name]) => name === 'us-east-1'),
      'a policy detached mid-week': world.timeline.some((e) => e.detachPolicy),
      'a vault deleted mid-week': world.timeline.some((e) => e.deleteVault),
      'a key scheduled for deletion': world.timeline.some((e) => e.scheduleKeyDeletion),
      'a member role deleted mid-week': world.timeline.some((e) => e.deleteMemberRole),
      'a resource tagged mid-week': world.timeline.some((e) => e.tag),
      'an account created mid-week': world.timeline.some((e) => e.createAccount),
      'trusted access for AWS Backup off': !world.trustedAccess.includes('backup.amazonaws.com'),
      'a tagged bucket without versioning': resources.some((r) => !r.versioning),
      'advanced DynamoDB backup off': regions.some(([, r]) => r.managementPreference.DynamoDB === false),
      'an unlocked central vault': Object.values(world.accounts).some((a) =>
        Object.values(a.regions).some((r) =>
          r.vaults.some((v) => v.name === 'org-backup-central' && !v.lock),
        ),
      ),
    };
    expect(Object.entries(planted).filter(([, present]) => !present)).toEqual([]);
  });
});
