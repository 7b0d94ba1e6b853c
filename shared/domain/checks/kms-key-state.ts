import { isUsableKey } from '../evaluate/target-facts.js';
import { defineCheck } from './check.js';

export const kmsKeyStateCheck = defineCheck(
  'KMS_KEY_STATE',
  'A key that is disabled or pending deletion stops every backup it encrypts, and once deleted makes its ' +
    'recovery points unreadable.',
  ({ observed }, verdict) => {
    const unusable = observed.keys.filter((key) => !isUsableKey(key));
    return unusable.length > 0
      ? verdict.fail(
          'KMS_KEY_PENDING_DELETION',
          `Unusable key(s): ${unusable.map((key) => `${key.arn} is ${key.state} (${key.usedBy} key)`).join(', ')}.`,
        )
      : verdict.pass(`All ${observed.keys.length} observed key(s) are enabled.`);
  },
);
