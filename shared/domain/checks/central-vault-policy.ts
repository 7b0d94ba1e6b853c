import { centralVaultHere } from '../evaluate/target-facts.js';
import { allowsOrgCopyIn } from '../plan/central-vault-policy.js';
import { defineCheck } from './check.js';

export const centralVaultPolicyCheck = defineCheck(
  'CENTRAL_VAULT_POLICY',
  'Copies from member accounts land in the central vault only if it exists and its access policy allows ' +
    'backup:CopyIntoBackupVault from the organization (aws:PrincipalOrgID).',
  ({ desired, observed }, verdict) => {
    const central = centralVaultHere(desired, observed);
    if (central === undefined) {
      return verdict.skipped(
        desired.centralVault
          ? 'The central vault is checked in its own account and Region.'
          : 'No central vault is configured.',
      );
    }
    if (!observed.centralVault?.vault) {
      return verdict.fail('VAULT_MISSING', `The central vault ${central.name} does not exist.`);
    }
    return allowsOrgCopyIn(observed.centralVault.accessPolicy, desired.context.organizationId)
      ? verdict.pass(
          `The access policy of ${central.name} allows copies from ${desired.context.organizationId}.`,
        )
      : verdict.fail(
          'CENTRAL_VAULT_POLICY_MISSING',
          `The access policy of ${central.name} does not allow backup:CopyIntoBackupVault from ` +
            `${desired.context.organizationId}.`,
        );
  },
);
