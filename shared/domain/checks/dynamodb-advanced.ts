import { dynamoDbAdvancedOff } from '../evaluate/target-facts.js';
import { defineCheck } from './check.js';

export const dynamoDbAdvancedCheck = defineCheck(
  'DYNAMODB_ADVANCED',
  'Backups a backup policy creates use advanced DynamoDB backup only where it is turned on by hand; without ' +
    "it tables get no cross-account or cross-Region copies, no cold storage, and backups under the table's key.",
  ({ desired, observed }, verdict) => {
    if (!dynamoDbAdvancedOff(desired, observed)) {
      return verdict.pass('Advanced DynamoDB backup is on, or no tagged DynamoDB table is present.');
    }
    const repair =
      desired.dynamoDbAdvanced === 'manage'
        ? 'the controller turns it on in enforce mode'
        : 'turn it on in the AWS Backup settings of the Region (dynamoDbAdvanced: report)';
    return verdict.fail(
      'DYNAMODB_ADVANCED_DISABLED',
      `Advanced DynamoDB backup is off in ${observed.region} while tagged DynamoDB tables exist; ${repair}.`,
    );
  },
);
