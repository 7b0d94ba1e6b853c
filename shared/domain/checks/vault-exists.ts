import { defineCheck } from './check.js';

export const vaultExistsCheck = defineCheck(
  'VAULT_EXISTS',
  'Organization backup policies do not create vaults: the vault a rule targets must exist in every account ' +
    'and Region, or every backup job fails.',
  ({ desired, observed }, verdict) =>
    observed.vault === null
      ? verdict.fail(
          'VAULT_MISSING',
          `Backup vault ${desired.vault.name} does not exist in ${observed.region}.`,
        )
      : verdict.pass(`Backup vault ${observed.vault.name} exists.`),
);
