import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDeploymentConfig } from '../../infra/deployment-config.js';
import { FIXTURE_CONFIG, ORGANIZATION_ID, sharedStack, synthStack } from './synth-stack.js';

const READER = 'arn:aws:iam::999999999999:role/SecurityAuditors';

let stack: ReturnType<typeof synthStack>;
let template: Template;

beforeAll(() => {
  const config = loadDeploymentConfig(FIXTURE_CONFIG);
  stack = synthStack({
    config: { ...config, report: { readers: [READER], evidenceRetentionDays: 400 } },
  });
  template = Template.fromStack(stack.stack);
});

function evidenceBucket() {
  const buckets = template.findResources('AWS::S3::Bucket', {
    Properties: { ObjectLockEnabled: true },
  });
  expect(Object.keys(buckets)).toHaveLength(1);
  const [[logicalId, bucket]] = Object.entries(buckets) as [
    [string, { Properties: Record<string, unknown> }],
  ];
  return { logicalId, properties: bucket.Properties };
}

describe('evidence archive', () => {
  it('locks every object in governance mode for the configured retention, versioned', () => {
    const { properties } = evidenceBucket();
    expect(properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 400 } },
    });
    expect(properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('encrypts with its own rotating KMS key and blocks public access', () => {
    const { properties } = evidenceBucket();
    const [keyId] = Object.keys(
      template.findResources('AWS::KMS::Key', {
        Properties: { Description: 'org-backup-controller evidence packs', EnableKeyRotation: true },
      }),
    );
    expect(properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
          },
        },
      ],
    });
    expect(properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('refuses every request not made over TLS', () => {
    const { logicalId } = evidenceBucket();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('is kept when the stack is deleted (locked objects outlive it)', () => {
    const { logicalId } = evidenceBucket();
    expect(template.toJSON().Resources[logicalId].DeletionPolicy).toBe('Retain');
  });

  it('writes a pack every day with the evidence function, which knows the bucket and may only put', () => {
    const { logicalId } = evidenceBucket();
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { EVIDENCE_BUCKET_NAME: { Ref: logicalId } } } },
    });
    expect(Object.keys(functions)).toHaveLength(1);
    const [functionId] = Object.keys(functions);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      Target: { Arn: { 'Fn::GetAtt': [functionId, 'Arn'] } },
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) =>
        (
          policy as {
            Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } };
          }
        ).Properties.PolicyDocument.Statement,
    );
    const onBucket = statements.filter((s) => JSON.stringify(s.Resource).includes(logicalId));
    const actions = onBucket.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.length).toBeGreaterThan(0);
    expect(
      actions.filter(
        (a) =>
          !/^s3:(PutObject|PutObjectLegalHold|PutObjectRetention|PutObjectTagging|PutObjectVersionTagging|Abort\*)$/.test(
            a,
          ),
      ),
    ).toEqual([]);
    expect(actions).not.toContain('s3:BypassGovernanceRetention');
  });
});

describe('report API readers', () => {
  it('lets the configured principals invoke GET only while in the organization', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Policy: {
        Statement: [
          {
            Sid: 'OrganizationReaders',
            Effect: 'Allow',
            Principal: { AWS: READER },
            Action: 'execute-api:Invoke',
            Resource: ['execute-api:/*/GET/', 'execute-api:/*/GET/*'],
            Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID } },
          },
        ],
      },
    });
  });

  it('serves the dashboard at / and its routes, all with IAM authorization', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as {
      Properties: { HttpMethod: string; AuthorizationType: string };
    }[];
    expect(methods.length).toBeGreaterThanOrEqual(10);
    for (const method of methods) expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
    const paths = Object.values(template.findResources('AWS::ApiGateway::Resource')).map(
      (r) => (r as { Properties: { PathPart: string } }).Properties.PathPart,
    );
    expect(paths).toEqual(
      expect.arrayContaining(['about', 'targets', 'reasons', 'resource', 'organization']),
    );
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      ResourceId: { 'Fn::GetAtt': [Match.anyValue(), 'RootResourceId'] },
    });
  });

  it('has no resource policy when no readers are configured', () => {
    const plain = sharedStack().template;
    const [api] = Object.values(plain.findResources('AWS::ApiGateway::RestApi')) as {
      Properties: Record<string, unknown>;
    }[];
    expect(api!.Properties.Policy).toBeUndefined();
  });

  it('passes cdk-nag AwsSolutions with every finding acknowledged', () => {
    const report = new AwsSolutionsChecks(stack.app).validateScope(stack.stack);
    expect(report.violations.map((v) => `${v.ruleName} ${JSON.stringify(v.violatingResources)}`)).toEqual([]);
  });
});
