import { describe, expect, it } from 'vitest';
import {
  type AuthorizationRequest,
  type Decision,
  evaluatePolicies,
  type RequestPrincipal,
  UnsupportedConditionOperatorError,
} from '../../sandbox/iam/evaluate.js';
import type { PolicyPrincipal, PolicyStatement } from '../../sandbox/iam/policy.js';

const ROLE = 'arn:aws:iam::111111111111:role/ControllerReconcile';
const VAULT = 'arn:aws:backup:eu-west-1:222222222222:backup-vault:org-backup';

const request = (overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
  action: 'backup:CreateBackupVault',
  resource: VAULT,
  context: {},
  ...overrides,
});

const allow = (statement: Partial<PolicyStatement>): PolicyStatement => ({
  Effect: 'Allow',
  Action: 'backup:CreateBackupVault',
  Resource: '*',
  ...statement,
});

const decide = (statements: PolicyStatement[], req: AuthorizationRequest, principal?: RequestPrincipal) =>
  evaluatePolicies([{ Version: '2012-10-17', Statement: statements }], req, principal);

const rows: {
  why: string;
  statements: PolicyStatement[];
  request: AuthorizationRequest;
  expected: Decision;
}[] = [
  { why: 'nothing allows it', statements: [], request: request(), expected: 'ImplicitDeny' },
  { why: 'an exact allow', statements: [allow({})], request: request(), expected: 'Allow' },
  {
    why: 'an explicit deny beats any allow',
    statements: [allow({}), { Effect: 'Deny', Action: 'backup:*', Resource: '*' }],
    request: request(),
    expected: 'ExplicitDeny',
  },
  {
    why: 'actions compare without case and take wildcards',
    statements: [allow({ Action: 'BACKUP:create*' })],
    request: request(),
    expected: 'Allow',
  },
  {
    why: '? is exactly one character',
    statements: [allow({ Action: 'backup:CreateBackupVaul?' })],
    request: request(),
    expected: 'Allow',
  },
  {
    why: 'another action is not matched',
    statements: [allow({ Action: 'backup:DeleteBackupVault' })],
    request: request(),
    expected: 'ImplicitDeny',
  },
  {
    why: 'NotAction allows everything but the listed actions',
    statements: [{ Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' }],
    request: request(),
    expected: 'Allow',
  },
  {
    why: 'NotAction excludes a listed action',
    statements: [{ Effect: 'Allow', NotAction: 'backup:Create*', Resource: '*' }],
    request: request(),
    expected: 'ImplicitDeny',
  },
  {
    why: 'resources compare with case',
    statements: [allow({ Resource: VAULT.toUpperCase() })],
    request: request(),
    expected: 'ImplicitDeny',
  },
  {
    why: 'a wildcard in the account segment',
    statements: [allow({ Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/Exec' })],
    request: request({ action: 'sts:AssumeRole', resource: 'arn:aws:iam::222222222222:role/Exec' }),
    expected: 'Allow',
  },
  {
    why: 'a wildcard does not reach across ARN segments',
    statements: [allow({ Resource: 'arn:aws:backup:*:backup-vault:org-backup' })],
    request: request(),
    expected: 'ImplicitDeny',
  },
  {
    why: 'the resource part matches across its own colons',
    statements: [allow({ Resource: 'arn:aws:backup:eu-west-1:222222222222:backup-vault:*' })],
    request: request(),
    expected: 'Allow',
  },
  {
    why: 'NotResource allows other resources',
    statements: [
      {
        Effect: 'Allow',
        Action: 'backup:CreateBackupVault',
        NotResource: 'arn:aws:backup:*:*:backup-vault:central',
      },
    ],
    request: request(),
    expected: 'Allow',
  },
  {
    why: 'StringEquals on a missing key does not hold',
    statements: [allow({ Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-abc' } } })],
    request: request(),
    expected: 'ImplicitDeny',
  },
  {
    why: 'condition keys compare without case',
    statements: [allow({ Condition: { StringEquals: { 'AWS:ResourceOrgId': 'o-abc' } } })],
    request: request({ context: { 'aws:ResourceOrgID': 'o-abc' } }),
    expected: 'Allow',
  },
  {
    why: 'StringNotEquals on a missing key holds',
    statements: [allow({ Condition: { StringNotEquals: { 'aws:ResourceOrgID': 'o-abc' } } })],
    request: request(),
    expected: 'Allow',
  },
  {
    why: 'StringLikeIfExists holds when the key is missing',
    statements: [
      allow({ Condition: { StringLikeIfExists: { 'organizations:PolicyType': 'BACKUP_POLICY' } } }),
    ],
    request: request(),
    expected: 'Allow',
  },
  {
    why: 'StringLikeIfExists still checks a present key',
    statements: [
      allow({ Condition: { StringLikeIfExists: { 'organizations:PolicyType': 'BACKUP_POLICY' } } }),
    ],
    request: request({ context: { 'organizations:PolicyType': 'SERVICE_CONTROL_POLICY' } }),
    expected: 'ImplicitDeny',
  },
  {
    why: 'StringLike takes wildcards',
    statements: [allow({ Condition: { StringLike: { 'kms:ViaService': 'backup.*.amazonaws.com' } } })],
    request: request({ context: { 'kms:ViaService': 'backup.eu-west-1.amazonaws.com' } }),
    expected: 'Allow',
  },
  {
    why: 'ForAllValues holds for a subset of the allowed values',
    statements: [
      allow({
        Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt', 'Encrypt'] } },
      }),
    ],
    request: request({ context: { 'kms:GrantOperations': ['Decrypt'] } }),
    expected: 'Allow',
  },
  {
    why: 'ForAllValues fails when one value is not allowed',
    statements: [
      allow({ Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } } }),
    ],
    request: request({ context: { 'kms:GrantOperations': ['Decrypt', 'CreateGrant'] } }),
    expected: 'ImplicitDeny',
  },
  {
    why: 'ForAllValues holds vacuously without values',
    statements: [
      allow({ Condition: { 'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt'] } } }),
    ],
    request: request(),
    expected: 'Allow',
  },
  {
    why: 'ForAnyValue needs one matching value',
    statements: [allow({ Condition: { 'ForAnyValue:StringEquals': { 'events:TargetArn': 'arn:bus' } } })],
    request: request({ context: { 'events:TargetArn': ['arn:other', 'arn:bus'] } }),
    expected: 'Allow',
  },
  {
    why: 'ForAnyValue fails without values',
    statements: [allow({ Condition: { 'ForAnyValue:StringEquals': { 'events:TargetArn': 'arn:bus' } } })],
    request: request(),
    expected: 'ImplicitDeny',
  },
  {
    why: 'ArnLike matches segment by segment',
    statements: [
      allow({
        Condition: {
          ArnLike: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyFor*' },
        },
      }),
    ],
    request: request({
      context: {
        'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
      },
    }),
    expected: 'Allow',
  },
  {
    why: 'ArnLike rejects another path',
    statements: [
      allow({ Condition: { ArnLike: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/*' } } }),
    ],
    request: request({ context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' } }),
    expected: 'ImplicitDeny',
  },
  {
    why: 'Bool compares true and false as text',
    statements: [allow({ Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } })],
    request: request({ context: { 'kms:GrantIsForAWSResource': true } }),
    expected: 'Allow',
  },
  {
    why: 'Bool false is not true',
    statements: [allow({ Condition: { Bool: { 'kms:GrantIsForAWSResource': true } } })],
    request: request({ context: { 'kms:GrantIsForAWSResource': false } }),
    expected: 'ImplicitDeny',
  },
  {
    why: 'Null true holds for a missing key',
    statements: [allow({ Condition: { Null: { 'backup:ChangeableForDays': 'true' } } })],
    request: request(),
    expected: 'Allow',
  },
  {
    why: 'Null true fails for a present key',
    statements: [allow({ Condition: { Null: { 'backup:ChangeableForDays': 'true' } } })],
    request: request({ context: { 'backup:ChangeableForDays': 3 } }),
    expected: 'ImplicitDeny',
  },
  {
    why: 'numeric operators compare numbers',
    statements: [allow({ Condition: { NumericGreaterThanEquals: { 'backup:MinRetentionDays': '7' } } })],
    request: request({ context: { 'backup:MinRetentionDays': 30 } }),
    expected: 'Allow',
  },
  {
    why: 'every operator of a block must hold',
    statements: [
      allow({
        Condition: {
          StringEquals: { 'aws:ResourceOrgID': 'o-abc' },
          NumericLessThan: { 'backup:MaxRetentionDays': 100 },
        },
      }),
    ],
    request: request({ context: { 'aws:ResourceOrgID': 'o-abc', 'backup:MaxRetentionDays': 365 } }),
    expected: 'ImplicitDeny',
  },
];

describe('the sandbox IAM evaluator', () => {
  it.each(rows)('$why', ({ statements, request: req, expected }) => {
    expect(decide(statements, req)).toBe(expected);
  });

  const trust = (principal: PolicyStatement['Principal']): PolicyStatement[] => [
    { Effect: 'Allow', ...(principal ? { Principal: principal } : {}), Action: 'sts:AssumeRole' },
  ];
  const assume = request({ action: 'sts:AssumeRole', resource: 'arn:aws:iam::222222222222:role/Exec' });
  const session: RequestPrincipal = { arn: ROLE, accountId: '111111111111', isService: false };

  it.each<{ why: string; principal: PolicyPrincipal; expected: Decision }>([
    { why: 'the role named in the trust policy', principal: { AWS: ROLE }, expected: 'Allow' },
    {
      why: 'a list naming the role',
      principal: { AWS: ['arn:aws:iam::111111111111:role/Other', ROLE] },
      expected: 'Allow',
    },
    {
      why: 'another role of the same account',
      principal: { AWS: 'arn:aws:iam::111111111111:role/Other' },
      expected: 'ImplicitDeny',
    },
    { why: 'the account root', principal: { AWS: 'arn:aws:iam::111111111111:root' }, expected: 'Allow' },
    { why: 'anyone', principal: '*', expected: 'Allow' },
    {
      why: 'a service, not a role',
      principal: { Service: 'backup.amazonaws.com' },
      expected: 'ImplicitDeny',
    },
  ])('a trust policy allowing $why decides $expected for a role session', ({ principal, expected }) => {
    expect(decide(trust(principal), assume, session)).toBe(expected);
  });

  it('matches service principals by name', () => {
    const events: RequestPrincipal = { arn: 'events.amazonaws.com', accountId: undefined, isService: true };
    expect(decide(trust({ Service: ['events.amazonaws.com'] }), assume, events)).toBe('Allow');
  });

  it('refuses an operator it does not model instead of guessing', () => {
    expect(() =>
      decide([allow({ Condition: { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01' } } })], request()),
    ).toThrow(UnsupportedConditionOperatorError);
  });
});
