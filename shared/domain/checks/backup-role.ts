import { backupRoleArn } from '../evaluate/target-facts.js';
import { mergedTrustPolicy } from '../policy/trust-policy.js';
import { defineCheck } from './check.js';

const BACKUP_TRUST_STATEMENT = {
  Effect: 'Allow',
  Principal: { Service: 'backup.amazonaws.com' },
  Action: 'sts:AssumeRole',
};

export const backupRoleCheck = defineCheck(
  'BACKUP_ROLE',
  "The role an organization policy's iam_role_arn names must exist in every account, trust " +
    'backup.amazonaws.com and carry the managed backup policies (S3 needs its own), or jobs fail.',
  ({ desired, observed }, verdict) => {
    const roleArn = backupRoleArn(desired, observed.accountId);
    const role = observed.backupRole;
    if (!role.exists)
      return verdict.fail('BACKUP_ROLE_MISSING', `The backup role ${roleArn} does not exist.`);
    if (!role.trustsBackup) {
      // The controller never writes trust policies: the member baseline owns the role, and a team's own
      // statements must survive. It gives the merged document: the existing policy plus the one statement.
      const merged = mergedTrustPolicy(role.trustPolicy, BACKUP_TRUST_STATEMENT);
      return verdict.fail(
        'BACKUP_ROLE_MISSING',
        `The backup role ${roleArn} does not trust backup.amazonaws.com; ` +
          (merged
            ? `its trust policy with the statement added (every existing statement kept): ${merged}`
            : `add this statement to its trust policy (keep the others): ${JSON.stringify(BACKUP_TRUST_STATEMENT)}`),
      );
    }
    const missing = desired.backupRole.managedPolicyArns.filter(
      (arn) => !role.attachedPolicyArns.includes(arn),
    );
    if (missing.length > 0) {
      return verdict.fail('BACKUP_ROLE_MISSING', `The backup role ${roleArn} lacks ${missing.join(', ')}.`);
    }
    return verdict.pass(`The backup role ${roleArn} exists, trusts AWS Backup and has its managed policies.`);
  },
);
