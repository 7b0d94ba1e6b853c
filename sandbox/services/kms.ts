import type {
  CreateGrantCommandInput,
  DescribeKeyCommandInput,
  GetKeyPolicyCommandInput,
  GrantListEntry,
  KeyMetadata,
  ListAliasesCommandInput,
  ListGrantsCommandInput,
} from '@aws-sdk/client-kms';
import { type Call, fail, type ServiceHandlers } from '../call.js';
import type { SimKey } from '../state.js';

/** KMS keys, aliases and grants per account × Region. `aws/backup` exists everywhere. */

export function findKey(call: Call, keyId: string | undefined): SimKey | undefined {
  if (!keyId) return undefined;
  const arn = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/.exec(keyId);
  const accountId = arn?.[2] ?? call.caller.accountId;
  if (!call.state.account(accountId)) return undefined;
  const region = call.state.region(accountId, arn?.[1] ?? call.region);
  const kind = arn ? arn[3] : keyId.startsWith('alias/') ? 'alias' : 'key';
  const name = arn ? (arn[3] === 'alias' ? `alias/${arn[4]}` : arn[4]!) : keyId;
  const id = kind === 'alias' ? region.aliases.get(name) : name;
  return id ? region.keys.get(id) : undefined;
}

function requireKey(call: Call, keyId: string | undefined): SimKey {
  const key = findKey(call, keyId);
  if (!key) fail(call, 'NotFoundException', `Key '${keyId}' does not exist`);
  return key;
}

const metadataOf = (key: SimKey): KeyMetadata => ({
  AWSAccountId: key.accountId,
  KeyId: key.keyId,
  Arn: key.arn,
  CreationDate: key.creationDate,
  Enabled: key.state === 'Enabled',
  Description:
    key.manager === 'AWS' ? 'Default key that protects my backups when no other key is defined' : '',
  KeyUsage: 'ENCRYPT_DECRYPT',
  KeyState: key.state,
  DeletionDate: key.deletionDate,
  Origin: 'AWS_KMS',
  KeyManager: key.manager,
  KeySpec: 'SYMMETRIC_DEFAULT',
  MultiRegion: false,
});

const grantOut = (key: SimKey, grant: SimKey['grants'][number]): GrantListEntry => ({
  KeyId: key.arn,
  GrantId: grant.grantId,
  Name: grant.name,
  CreationDate: grant.creationDate,
  GranteePrincipal: grant.granteePrincipal,
  IssuingAccount: `arn:aws:iam::${key.accountId}:root`,
  Operations: grant.operations as GrantListEntry['Operations'],
});

/**
 * The key policy as a document. AWS-managed keys: AWS's pattern of use through the owning service by the
 * account's principals. A customer key that allows the backup role: the default policy (the account root,
 * i.e. IAM) plus use by the organization's accounts, so cross-account copies work. One that refuses it names
 * only its administrators (invented role name), so neither the backup role nor another account may use it.
 */
function keyPolicyOf(call: Call, key: SimKey): string {
  const root = `arn:aws:iam::${key.accountId}:root`;
  const use = [
    'kms:Encrypt',
    'kms:Decrypt',
    'kms:ReEncrypt*',
    'kms:GenerateDataKey*',
    'kms:CreateGrant',
    'kms:DescribeKey',
  ];
  const statements =
    key.manager === 'AWS'
      ? [
          {
            Sid: 'Allow access through the owning service for all principals in the account',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: use,
            Resource: '*',
            Condition: { StringEquals: { 'kms:CallerAccount': key.accountId } },
          },
        ]
      : key.allowsBackupRole
        ? [
            {
              Sid: 'Enable IAM User Permissions',
              Effect: 'Allow',
              Principal: { AWS: root },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              Sid: 'AllowOrganizationToCopy',
              Effect: 'Allow',
              Principal: '*',
              Action: use,
              Resource: '*',
              Condition: { StringEquals: { 'aws:PrincipalOrgID': call.state.organization.id } },
            },
          ]
        : [
            {
              Sid: 'Allow access for Key Administrators',
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${key.accountId}:role/KeyAdministrators` },
              Action: ['kms:Describe*', 'kms:Put*', 'kms:Enable*', 'kms:Disable*', 'kms:ScheduleKeyDeletion'],
              Resource: '*',
            },
          ];
  return JSON.stringify({ Version: '2012-10-17', Id: 'key-default-1', Statement: statements });
}

export const kmsHandlers: ServiceHandlers = {
  GetKeyPolicy: (call: Call, input: GetKeyPolicyCommandInput) => {
    const key = requireKey(call, input.KeyId);
    if ((input.PolicyName ?? 'default') !== 'default')
      fail(call, 'NotFoundException', `Policy ${input.PolicyName} does not exist.`);
    return { Policy: keyPolicyOf(call, key), PolicyName: 'default' };
  },

  DescribeKey: (call: Call, input: DescribeKeyCommandInput) => ({
    KeyMetadata: metadataOf(requireKey(call, input.KeyId)),
  }),

  ListGrants: (call: Call, input: ListGrantsCommandInput) => {
    const key = requireKey(call, input.KeyId);
    const grants = key.grants.filter(
      (grant) =>
        (input.GranteePrincipal === undefined || grant.granteePrincipal === input.GranteePrincipal) &&
        (input.GrantId === undefined || grant.grantId === input.GrantId),
    );
    return { Grants: grants.map((grant) => grantOut(key, grant)), Truncated: false };
  },

  CreateGrant: (call: Call, input: CreateGrantCommandInput) => {
    const key = requireKey(call, input.KeyId);
    if (key.state === 'PendingDeletion')
      fail(call, 'KMSInvalidStateException', `${key.arn} is pending deletion.`);
    if (key.state === 'Disabled') fail(call, 'DisabledException', `${key.arn} is disabled.`);
    if (!input.GranteePrincipal || !input.Operations?.length) {
      fail(call, 'ValidationException', 'GranteePrincipal and Operations are required.');
    }
    const operations = [...input.Operations].sort();
    // Re-using a grant name with the same grantee and operations returns the existing grant
    // (docs/aws-behaviour.md#kms-grant-name).
    const existing = key.grants.find(
      (grant) =>
        input.Name !== undefined &&
        grant.name === input.Name &&
        grant.granteePrincipal === input.GranteePrincipal &&
        grant.operations.join() === operations.join(),
    );
    if (existing) return { GrantId: existing.grantId, GrantToken: existing.grantToken };
    const grantId = call.state.nextId('grant', 64);
    const grant = {
      grantId,
      grantToken: `token-${grantId}`,
      name: input.Name,
      granteePrincipal: input.GranteePrincipal,
      operations,
      creationDate: call.state.now,
    };
    key.grants.push(grant);
    return { GrantId: grant.grantId, GrantToken: grant.grantToken };
  },

  ListAliases: (call: Call, input: ListAliasesCommandInput) => {
    const region = call.state.region(call.caller.accountId, call.region);
    const target = input.KeyId ? requireKey(call, input.KeyId).keyId : undefined;
    const aliases = [...region.aliases.entries()]
      .filter(([, keyId]) => target === undefined || keyId === target)
      .map(([name, keyId]) => ({
        AliasName: name,
        AliasArn: `arn:aws:kms:${call.region}:${call.caller.accountId}:${name}`,
        TargetKeyId: keyId,
      }));
    return { Aliases: aliases, Truncated: false };
  },
};
