import { keyPolicyStatementFor, keysRefusingBackupRole, keysToGrant } from '../evaluate/key-access.js';
import { defineCheck } from './check.js';

export const kmsGrantsCheck = defineCheck(
  'KMS_GRANTS',
  'The backup role must be allowed to use the customer-managed keys of the vault and of the resources it ' +
    'backs up, by the key policy (or a grant); otherwise jobs fail or, for S3, report success without the objects.',
  ({ desired, observed }, verdict) => {
    const refusing = keysRefusingBackupRole(observed);
    if (refusing.length === 0) {
      return verdict.pass('The backup role can use every enabled customer-managed key observed.');
    }
    const granted = new Set(keysToGrant(desired, observed).map(({ key }) => key.arn));
    const details = refusing.map((key) =>
      granted.has(key.arn)
        ? `${key.arn} (${key.usedBy} key): the controller writes its narrow grant in enforce mode`
        : `${key.arn} (${key.usedBy} key): its policy does not allow the backup role; add ${keyPolicyStatementFor(desired, observed, key)}`,
    );
    return verdict.fail('KMS_ACCESS_DENIED', `${details.join('. ')}.`);
  },
);
