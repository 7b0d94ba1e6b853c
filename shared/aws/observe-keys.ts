import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListGrantsCommand } from '@aws-sdk/client-kms';
import { classifyJobFailure, isJobFailure } from '../domain/job-messages.js';
import type {
  JobOutcome,
  ObservedKey,
  ObservedVault,
  ResourceDetails,
  TaggedResource,
} from '../domain/model.js';
import { keyPolicyAllowsRole } from '../domain/policy/key-policy.js';
import { backupTypeOf } from '../domain/resource-types.js';
import type { ClientFactory } from './clients.js';
import { type Call, callSite, listAll, unlessUnreadable } from './observe-reads.js';

/** ListGrants accepts at most 100 grants per page (https://docs.aws.amazon.com/kms/latest/APIReference/API_ListGrants.html). */
const KMS_GRANTS_PAGE_SIZE = 100;

/** Why a key is read: what it encrypts, and whether a failed job named it (evidence it refused the role). */
export interface KeyOfInterest {
  readonly usedBy: ObservedKey['usedBy'];
  readonly encrypts?: string;
  readonly namedByFailedJob?: true;
}

/**
 * The vault keys, the keys of the tagged resources (from their services' list calls), then keys that failed
 * jobs name: bounded by keys, not resources.
 */
export function keysOfInterest(
  vault: ObservedVault | null,
  centralVault: ObservedVault | null,
  jobs: readonly JobOutcome[],
  resources: readonly TaggedResource[] = [],
  details: Readonly<Record<string, ResourceDetails>> = {},
): Map<string, KeyOfInterest> {
  const keys = new Map<string, KeyOfInterest>();
  for (const candidate of [vault, centralVault]) {
    if (candidate?.encryptionKeyArn) keys.set(candidate.encryptionKeyArn, { usedBy: 'vault' });
  }
  for (const { arn } of resources) {
    const detail = details[arn];
    const encrypts = backupTypeOf(arn, detail?.engine) ?? undefined;
    for (const keyArn of detail?.volumeKeyArns ?? (detail?.keyArn ? [detail.keyArn] : [])) {
      if (!keys.has(keyArn)) keys.set(keyArn, { usedBy: 'resource', ...(encrypts ? { encrypts } : {}) });
    }
  }
  for (const job of jobs) {
    if (!isJobFailure(job)) continue;
    const { keyArn, reason } = classifyJobFailure(job);
    if (!keyArn) continue;
    const known = keys.get(keyArn);
    if (known?.usedBy === 'vault') continue;
    // Only a backup refused by the key says the backup role may not use it.
    const refusedRole = reason === 'KMS_ACCESS_DENIED' ? ({ namedByFailedJob: true } as const) : {};
    keys.set(keyArn, { ...(known ?? { usedBy: 'resource' }), ...refusedRole });
  }
  return keys;
}

export async function readKeys(
  factory: ClientFactory,
  accountId: string,
  roleArn: string,
  keys: Map<string, KeyOfInterest>,
  now: Date,
): Promise<ObservedKey[]> {
  const observed = await Promise.all(
    [...keys].map(([keyArn, interest]) => readKey(factory, accountId, roleArn, keyArn, interest, now)),
  );
  return observed.sort((a, b) => a.arn.localeCompare(b.arn));
}

/**
 * A key the member account cannot describe (deleted, or another account's key it may not read) is reported
 * as Unavailable rather than failing the whole target: for the backups it is just as unusable. A resource's
 * customer-managed key also has its key policy read (kept a day): the policy may allow the backup role
 * without any grant, and says whether the central account may use the key for copies.
 */
async function readKey(
  factory: ClientFactory,
  accountId: string,
  roleArn: string,
  keyArn: string,
  interest: KeyOfInterest,
  now: Date,
): Promise<ObservedKey> {
  // A key ARN names its own Region (arn:aws:kms:<region>:<account>:key/<id>).
  const region = keyArn.split(':')[3] || factory.homeRegion;
  const kms = factory.clientOf(KMSClient, accountId, region);
  const call = callSite(accountId, region);
  const { usedBy } = interest;
  const encrypts = interest.encrypts ? { encrypts: interest.encrypts } : {};
  const metadata = await unlessUnreadable(() =>
    call('DescribeKey', () => kms.send(new DescribeKeyCommand({ KeyId: keyArn }))).then(
      (out) => out.KeyMetadata,
    ),
  );
  if (!metadata)
    return {
      arn: keyArn,
      state: 'Unavailable',
      manager: 'CUSTOMER',
      backupRoleHasGrant: false,
      usedBy,
      ...encrypts,
    };
  const arn = metadata.Arn ?? keyArn;
  const manager = metadata.KeyManager === 'AWS' ? 'AWS' : 'CUSTOMER';
  const base = {
    arn,
    state: metadata.KeyState ?? 'Unavailable',
    manager,
    usedBy,
    ...encrypts,
    ...(metadata.DeletionDate ? { deletionDate: metadata.DeletionDate } : {}),
  } as const;
  // AWS managed keys allow use through the owning service by any principal of the account.
  if (manager === 'AWS') return { ...base, backupRoleHasGrant: true };
  const [granted, policy] = await Promise.all([
    hasGrantFor(kms, call, keyArn, roleArn),
    usedBy === 'resource'
      ? factory.dailyReads.read(`kms-policy:${accountId}:${arn}`, now, () => readKeyPolicy(kms, call, arn))
      : Promise.resolve(undefined),
  ]);
  // A policy the controller may not read proves nothing; only a failed job naming the key does.
  const policyAllows =
    policy === undefined
      ? false
      : policy === null
        ? !interest.namedByFailedJob
        : keyPolicyAllowsRole(policy, keyArn.split(':')[4] ?? accountId, roleArn);
  return {
    ...base,
    backupRoleHasGrant: granted || policyAllows,
    ...(policy === undefined ? {} : { policy }),
  };
}

/** The key's policy (its only one is named `default`); null when the controller may not read it. */
async function readKeyPolicy(kms: KMSClient, call: Call, keyArn: string): Promise<string | null> {
  const out = await unlessUnreadable(() =>
    call('GetKeyPolicy', () => kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))),
  );
  return out?.Policy ?? null;
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
