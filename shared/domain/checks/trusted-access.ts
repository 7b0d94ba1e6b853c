import type { CheckResult, ObservedOrganization } from '../model.js';
import { verdictsFor } from './check.js';

const BACKUP_SERVICE_PRINCIPAL = 'backup.amazonaws.com';

/**
 * Organization-wide: is trusted access for AWS Backup on? Without it the management account sees only its
 * own backup, restore and copy jobs. A WARN, not a FAIL: backups still run, and turning it on is the
 * organization owner's decision, so the controller only reports it.
 * https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-backup.html
 */
export function trustedAccessCheck(org: Pick<ObservedOrganization, 'trustedAccessServices'>): CheckResult {
  const verdict = verdictsFor('TRUSTED_ACCESS');
  if (org.trustedAccessServices === null) {
    return verdict.skipped('The services with trusted access could not be read.');
  }
  return org.trustedAccessServices.includes(BACKUP_SERVICE_PRINCIPAL)
    ? verdict.pass(`Trusted access is enabled for ${BACKUP_SERVICE_PRINCIPAL}.`)
    : verdict.warn(
        'TRUSTED_ACCESS_DISABLED',
        `Trusted access for ${BACKUP_SERVICE_PRINCIPAL} is off: cross-account job monitoring and AWS Backup ` +
          'Audit Manager lose the organization view.',
      );
}

/** Every organization-wide check, in ORG_CHECK_IDS order. */
export function runOrgChecks(org: ObservedOrganization): CheckResult[] {
  return [trustedAccessCheck(org)];
}
