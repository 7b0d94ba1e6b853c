import { describe, expect, it } from 'vitest';
import { backupRoleCheck } from '../../../shared/domain/checks/backup-role.js';
import { mergedTrustPolicy } from '../../../shared/domain/policy/trust-policy.js';
import { desiredState, NOW } from '../fixtures/desired.js';
import { compliantTarget } from '../fixtures/observed.js';

const BACKUP = { Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' };
const TEAM = {
  Sid: 'TeamCi',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::222222222222:role/ci' },
  Action: 'sts:AssumeRole',
};

describe('mergedTrustPolicy: the statement added, never a replacement', () => {
  it.each([
    {
      why: "a team's statements and fields are all kept, the statement appended",
      existing: JSON.stringify({ Version: '2012-10-17', Id: 'team', Statement: [TEAM] }),
      merged: { Version: '2012-10-17', Id: 'team', Statement: [TEAM, BACKUP] },
    },
    {
      why: 'a single statement object becomes a list of both',
      existing: JSON.stringify({ Version: '2012-10-17', Statement: TEAM }),
      merged: { Version: '2012-10-17', Statement: [TEAM, BACKUP] },
    },
    {
      why: 'no document: the statement alone',
      existing: undefined,
      merged: { Version: '2012-10-17', Statement: [BACKUP] },
    },
  ])('$why', ({ existing, merged }) => {
    expect(JSON.parse(mergedTrustPolicy(existing, BACKUP) ?? 'null')).toEqual(merged);
  });

  it('an unreadable document gives no merge (the report then names the statement only)', () => {
    expect(mergedTrustPolicy('{not json', BACKUP)).toBeNull();
  });

  it('BACKUP_ROLE reports the merged document of a role that does not trust AWS Backup', () => {
    const desired = desiredState();
    const base = compliantTarget(desired);
    const observed = {
      ...base,
      backupRole: {
        ...base.backupRole,
        trustsBackup: false,
        trustPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [TEAM] }),
      },
    };
    const result = backupRoleCheck.evaluate({
      desired,
      observed,
      org: { crossAccountBackupEnabled: true },
      now: NOW,
    });
    expect(result).toMatchObject({ status: 'FAIL', reason: 'BACKUP_ROLE_MISSING' });
    const document = JSON.parse(result.detail.slice(result.detail.indexOf('{')));
    expect(document).toEqual({ Version: '2012-10-17', Statement: [TEAM, BACKUP] });
  });
});
