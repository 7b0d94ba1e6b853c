import { vaultKey } from '../evaluate/target-facts.js';
import type { KmsKeySpec } from '../model.js';
import { defineCheck } from './check.js';

/** AWS-managed aliases live under `alias/aws/`; whatever follows the last `alias/` is the alias name. */
function aliasIsAwsManaged(alias: string): boolean {
  const marker = alias.lastIndexOf('alias/');
  const name = marker === -1 ? alias : alias.slice(marker + 'alias/'.length);
  return name.startsWith('aws/');
}

/** Which kind of key the spec implies; an ARN names the exact key instead. */
function expectedManager(spec: Exclude<KmsKeySpec, { type: 'arn' }>): 'AWS' | 'CUSTOMER' {
  return spec.type === 'aws-managed' || aliasIsAwsManaged(spec.alias) ? 'AWS' : 'CUSTOMER';
}

/**
 * A key ARN in the config is compared exactly. `aws-managed` and aliases cannot be resolved to one key
 * without a KMS call, so only what is determinable is judged: whether the vault's key is AWS- or
 * customer-managed (known when the observer read the key). A mismatch there is certain; a match is reported
 * as PASS with that limit spelled out; an unread key is SKIPPED rather than guessed.
 */
export const vaultKeyCheck = defineCheck(
  'VAULT_KEY',
  "A vault's KMS key is fixed when the vault is created; copies into another account need a customer-managed " +
    'key, so a vault on the wrong key has to be recreated.',
  ({ desired, observed }, verdict) => {
    const vault = observed.vault;
    if (vault === null) return verdict.skipped('There is no vault to check (see VAULT_EXISTS).');
    if (vault.encryptionKeyArn === null)
      return verdict.skipped(`Vault ${vault.name} reported no encryption key.`);
    const spec = desired.vault.kmsKey;
    if (spec.type === 'arn') {
      return vault.encryptionKeyArn === spec.arn
        ? verdict.pass(`Vault ${vault.name} is encrypted with ${spec.arn}.`)
        : verdict.fail(
            'VAULT_KEY_MISMATCH',
            `Vault ${vault.name} is encrypted with ${vault.encryptionKeyArn}, not the configured ${spec.arn}.`,
          );
    }
    const key = vaultKey(observed);
    const wanted = expectedManager(spec);
    const described = spec.type === 'alias' ? `the key behind ${spec.alias}` : 'an AWS-managed key';
    if (key === undefined) {
      return verdict.skipped(`Whether ${vault.encryptionKeyArn} is ${described} could not be determined.`);
    }
    if (key.manager !== wanted) {
      return verdict.fail(
        'VAULT_KEY_MISMATCH',
        `Vault ${vault.name} uses the ${key.manager === 'AWS' ? 'AWS' : 'customer'}-managed key ` +
          `${key.arn}; the config asks for ${described}.`,
      );
    }
    return verdict.pass(
      spec.type === 'alias'
        ? `Vault ${vault.name} uses a ${wanted === 'AWS' ? 'AWS' : 'customer'}-managed key as ${spec.alias} ` +
            'implies (the alias itself is not resolved).'
        : `Vault ${vault.name} uses an AWS-managed key.`,
    );
  },
);
