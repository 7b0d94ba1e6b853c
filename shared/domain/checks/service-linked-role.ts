import { centralVaultHere } from '../evaluate/target-facts.js';
import { defineCheck } from './check.js';

export const serviceLinkedRoleCheck = defineCheck(
  'SERVICE_LINKED_ROLE',
  "AWS Backup performs copies into the central account with that account's service-linked role " +
    'AWSServiceRoleForBackup; AWS usually creates it, and without it copies can fail.',
  ({ desired, observed }, verdict) => {
    const central = centralVaultHere(desired, observed);
    if (central === undefined || observed.serviceLinkedRole === undefined) {
      return verdict.skipped(
        desired.centralVault
          ? 'The service-linked role is checked in the central account.'
          : 'No central vault is configured.',
      );
    }
    return observed.serviceLinkedRole.exists
      ? verdict.pass(`AWSServiceRoleForBackup exists in ${central.accountId}.`)
      : verdict.warn(
          'SERVICE_LINKED_ROLE_MISSING',
          `AWSServiceRoleForBackup does not exist in the central account ${central.accountId}; the ` +
            'controller creates it once a copy or lifecycle job fails for want of it.',
        );
  },
);
