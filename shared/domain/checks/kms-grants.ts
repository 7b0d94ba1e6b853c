import { keysMissingGrant } from '../evaluate/target-facts.js';
import { defineCheck } from './check.js';

export const kmsGrantsCheck = defineCheck(
  'KMS_GRANTS',
  'The backup role must be able to use the customer-managed keys of the vault and of the resources it backs ' +
    'up; otherwise jobs fail or, for S3, report success without the objects.',
  ({ observed }, verdict) => {
    const missing = keysMissingGrant(observed);
    return missing.length > 0
      ? verdict.fail(
          'KMS_ACCESS_DENIED',
          `The backup role has no grant on ${missing.map((key) => `${key.arn} (${key.usedBy} key)`).join(', ')}.`,
        )
      : verdict.pass('The backup role can use every enabled customer-managed key observed.');
  },
);
