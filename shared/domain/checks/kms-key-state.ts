import { describeKey, isPendingDeletion, resourceKeyArns } from '../evaluate/key-deletion.js';
import { isSelected, isUsableKey } from '../evaluate/target-facts.js';
import type { DesiredState, ObservedKey, ObservedTarget } from '../model.js';
import { defineCheck } from './check.js';

/** How many affected resources the check names; the report lists them all with their warnings. */
const NAMED_RESOURCES = 10;
/** Fewer for the central vault, so that the way out still fits in an alert's shortened detail. */
const NAMED_COPIED_RESOURCES = 3;

/**
 * FAILs on any observed key that is not enabled. For a key scheduled for deletion it names the tagged
 * resources that depend on it and how to cancel the deletion: the controller never cancels one itself
 * (a key policy or an SCP may have good reasons), so this FAIL is the one alert a person acts on.
 */
export const kmsKeyStateCheck = defineCheck(
  'KMS_KEY_STATE',
  'A key that is disabled or pending deletion stops every backup it encrypts, and once deleted makes its ' +
    'recovery points unreadable.',
  ({ desired, observed }, verdict) => {
    const unusable = observed.keys.filter((key) => !isUsableKey(key));
    if (unusable.length === 0)
      return verdict.pass(`All ${observed.keys.length} observed key(s) are enabled.`);
    return verdict.fail(
      'KMS_KEY_PENDING_DELETION',
      unusable
        .map((key) =>
          isPendingDeletion(key)
            ? describePendingDeletion(desired, observed, key)
            : `${key.arn} is ${key.state} (${key.usedBy} key).`,
        )
        .join(' '),
    );
  },
);

function describePendingDeletion(desired: DesiredState, observed: ObservedTarget, key: ObservedKey): string {
  const cancel = `aws kms cancel-key-deletion --key-id ${key.arn} --region ${observed.region} in account ${observed.accountId}`;
  const central = observed.centralVault;
  if (central?.vault?.encryptionKeyArn === key.arn) {
    // Alert formats shorten long details from the end: what is lost and the way out come first.
    const copied = central.copiedResources ?? [];
    const when = key.deletionDate ? ` on ${key.deletionDate.toISOString()}` : ' when the key is deleted';
    return (
      `The copies of ${copied.length} resource(s) in the central vault ${central.vault.name} are lost${when}` +
      `${copied.length > 0 ? ` (${named(copied, NAMED_COPIED_RESOURCES)})` : ''} unless its key's deletion is ` +
      `cancelled (the controller never does): ${cancel}, then aws kms enable-key. Copies into it from every ` +
      'account fail from now on; each finding copied there carries the warnings (orgbackup report --warning ' +
      `RECOVERY_POINTS_LOST_ON lists them). The ${describeKey(key)}.`
    );
  }
  const affected = observed.resources
    .filter((resource) => isSelected(desired, resource))
    .filter((resource) => key.usedBy === 'vault' || resourceKeyArns(observed, resource.arn).includes(key.arn))
    .map((resource) => resource.arn);
  // The way out first: alert formats shorten long details from the end.
  return (
    `Cancel it (the controller never does): ${cancel}, then aws kms enable-key with the same key. The ` +
    `${describeKey(key)}: the backups of ${affected.length} tagged resource(s) fail from now on, and ` +
    `recovery points encrypted with it are lost when it is deleted${affected.length > 0 ? `: ${named(affected, NAMED_RESOURCES)}` : ''}.`
  );
}

function named(arns: readonly string[], limit: number): string {
  const more = arns.length > limit ? ` and ${arns.length - limit} more` : '';
  return `${arns.slice(0, limit).join(', ')}${more}`;
}
