import { DescribeKeyCommand, type KMSClient, ListGrantsCommand } from '@aws-sdk/client-kms';
import { isJobFailure, kmsKeyNamedIn } from '../domain/job-messages.js';
import type { JobOutcome, ObservedKey, ObservedVault } from '../domain/model.js';
import type { ClientFactory } from './clients.js';
import { type Call, callSite, listAll, unlessUnreadable } from './observe-reads.js';

/** ListGrants accepts at most 100 grants per page (https://docs.aws.amazon.com/kms/latest/APIReference/API_ListGrants.html). */
const KMS_GRANTS_PAGE_SIZE = 100;

/** The vault keys, then keys that failed jobs name: bounded by keys, not resources. */
export function keysOfInterest(
  vault: ObservedVault | null,
  centralVault: ObservedVault | null,
  jobs: readonly JobOutcome[],
): Map<string, ObservedKey['usedBy']> {
  const keys = new Map<string, ObservedKey['usedBy']>();
  for (const candidate of [vault, centralVault]) {
    if (candidate?.encryptionKeyArn) keys.set(candidate.encryptionKeyArn, 'vault');
  }
  for (const job of jobs) {
    if (!isJobFailure(job)) continue;
    const keyArn = kmsKeyNamedIn(job.statusMessage);
    if (keyArn && !keys.has(keyArn)) keys.set(keyArn, 'resource');
  }
  return keys;
}

export async function readKeys(
  factory: ClientFactory,
  accountId: string,
  roleArn: string,
  keys: Map<string, ObservedKey['usedBy']>,
): Promise<ObservedKey[]> {
  const observed = await Promise.all(
    [...keys].map(([keyArn, usedBy]) => readKey(factory, accountId, roleArn, keyArn, usedBy)),
  );
  return observed.sort((a, b) => a.arn.localeCompare(b.arn));
}

/**
 * A key the member account cannot describe (deleted, or another account's key it may not read) is reported
 * as Unavailable rather than failing the whole target: for the backups it is just as unusable.
 */
async function readKey(
  factory: ClientFactory,
  accountId: string,
  roleArn: string,
  keyArn: string,
  usedBy: ObservedKey['usedBy'],
): Promise<ObservedKey> {
  // A key ARN names its own Region (arn:aws:kms:<region>:<account>:key/<id>).
  const region = keyArn.split(':')[3] || factory.homeRegion;
  const kms = factory.kms(accountId, region);
  const call = callSite(accountId, region);
  const metadata = await unlessUnreadable(() =>
    call('DescribeKey', () => kms.send(new DescribeKeyCommand({ KeyId: keyArn }))).then(
      (out) => out.KeyMetadata,
    ),
  );
  if (!metadata)
    return { arn: keyArn, state: 'Unavailable', manager: 'CUSTOMER', backupRoleHasGrant: false, usedBy };
  const manager = metadata.KeyManager === 'AWS' ? 'AWS' : 'CUSTOMER';
  // AWS managed keys allow use through the owning service by any principal of the account; customer keys
  // need a grant (their key policy may also allow it, which ListGrants cannot see).
  const backupRoleHasGrant = manager === 'AWS' || (await hasGrantFor(kms, call, keyArn, roleArn));
  return {
    arn: metadata.Arn ?? keyArn,
    state: metadata.KeyState ?? 'Unavailable',
    manager,
    backupRoleHasGrant,
    usedBy,
  };
}

async function hasGrantFor(
  kms: KMSClient,
  call: Call,
  keyArn: string,
  granteePrincipal: string,
): Promise<boolean> {
  const grants = await unlessUnreadable(() =>
    listAll(
      call,
      'ListGrants',
      (Marker) =>
        kms.send(
          new ListGrantsCommand({
            KeyId: keyArn,
            GranteePrincipal: granteePrincipal,
            Limit: KMS_GRANTS_PAGE_SIZE,
            Marker,
          }),
        ),
      (page) => ({ items: page.Grants, nextToken: page.Truncated ? page.NextMarker : undefined }),
    ),
  );
  return (grants ?? []).length > 0;
}
