import { describe, expect, it } from 'vitest';
import { classifyArn, isBackupArtifact, OPT_IN_KEYS } from '../../shared/domain/resource-types.js';

const R = 'eu-west-1';
const A = '222222222222';

describe('classifyArn: resources AWS Backup protects', () => {
  const cases: { arn: string; service: string; filter: string; type: string; why: string }[] = [
    {
      arn: `arn:aws:ec2:${R}:${A}:volume/vol-0abc`,
      service: 'ec2',
      filter: 'ec2:volume',
      type: 'EBS',
      why: 'EBS volume',
    },
    {
      arn: `arn:aws:ec2:${R}:${A}:instance/i-0abc`,
      service: 'ec2',
      filter: 'ec2:instance',
      type: 'EC2',
      why: 'EC2 instance',
    },
    {
      arn: `arn:aws:rds:${R}:${A}:db:orders`,
      service: 'rds',
      filter: 'rds:db',
      type: 'RDS',
      why: 'RDS DB instance',
    },
    {
      arn: `arn:aws:rds:${R}:${A}:cluster:orders-aurora`,
      service: 'rds',
      filter: 'rds:cluster',
      type: 'Aurora',
      why: 'rds:cluster maps to Aurora; DocumentDB/Neptune share the ARN form and need DescribeDBClusters',
    },
    {
      arn: `arn:aws:dynamodb:${R}:${A}:table/Orders`,
      service: 'dynamodb',
      filter: 'dynamodb:table',
      type: 'DynamoDB',
      why: 'DynamoDB table',
    },
    {
      arn: `arn:aws:elasticfilesystem:${R}:${A}:file-system/fs-0abc`,
      service: 'elasticfilesystem',
      filter: 'elasticfilesystem:file-system',
      type: 'EFS',
      why: 'EFS file system',
    },
    {
      arn: 'arn:aws:s3:::orders-bucket',
      service: 's3',
      filter: 's3',
      type: 'S3',
      why: 'bucket ARNs carry no Region',
    },
    {
      arn: `arn:aws:fsx:${R}:${A}:file-system/fs-0abc`,
      service: 'fsx',
      filter: 'fsx:file-system',
      type: 'FSx',
      why: 'FSx file system',
    },
    {
      arn: `arn:aws:fsx:${R}:${A}:volume/fs-0abc/fsvol-0abc`,
      service: 'fsx',
      filter: 'fsx:volume',
      type: 'FSx',
      why: 'FSx ONTAP/OpenZFS volume',
    },
    {
      arn: `arn:aws:redshift:${R}:${A}:cluster:warehouse`,
      service: 'redshift',
      filter: 'redshift:cluster',
      type: 'Redshift',
      why: 'Redshift cluster',
    },
    {
      arn: `arn:aws:redshift-serverless:${R}:${A}:namespace/0f1e2d3c-aaaa-bbbb-cccc-123456789012`,
      service: 'redshift-serverless',
      filter: 'redshift-serverless:namespace',
      type: 'Redshift Serverless',
      why: 'Redshift Serverless namespace (type string has a space)',
    },
    {
      arn: `arn:aws:storagegateway:${R}:${A}:gateway/sgw-12A3456B/volume/vol-1122AABB`,
      service: 'storagegateway',
      filter: 'storagegateway:gateway',
      type: 'Storage Gateway',
      why: 'Storage Gateway volume, a sub-resource of its gateway',
    },
    {
      arn: `arn:aws:timestream:${R}:${A}:database/metrics/table/cpu`,
      service: 'timestream',
      filter: 'timestream:table',
      type: 'Timestream',
      why: 'Timestream table',
    },
    {
      arn: `arn:aws:timestream:${R}:${A}:database/metrics`,
      service: 'timestream',
      filter: 'timestream:database',
      type: 'Timestream',
      why: 'Timestream database',
    },
    {
      arn: `arn:aws:backup-gateway:${R}:${A}:vm/vm-0abc`,
      service: 'backup-gateway',
      filter: 'backup-gateway:vm',
      type: 'VirtualMachine',
      why: 'VMware VM behind Backup gateway',
    },
    {
      arn: `arn:aws:cloudformation:${R}:${A}:stack/app/1a2b3c4d-0000-1111-2222-333344445555`,
      service: 'cloudformation',
      filter: 'cloudformation:stack',
      type: 'CloudFormation',
      why: 'CloudFormation stack',
    },
    {
      arn: `arn:aws:ssm-sap:${R}:${A}:HANA/app/DB/db1`,
      service: 'ssm-sap',
      filter: 'ssm-sap',
      type: 'SAP HANA on Amazon EC2',
      why: 'SAP HANA on EC2',
    },
    {
      arn: `arn:aws:eks:${R}:${A}:cluster/prod`,
      service: 'eks',
      filter: 'eks:cluster',
      type: 'EKS',
      why: 'EKS cluster',
    },
    {
      arn: `arn:aws:dsql:${R}:${A}:cluster/abcdefghijklmnop`,
      service: 'dsql',
      filter: 'dsql:cluster',
      type: 'DSQL',
      why: 'Aurora DSQL cluster',
    },
    {
      arn: `arn:aws-us-gov:ec2:us-gov-west-1:${A}:volume/vol-0abc`,
      service: 'ec2',
      filter: 'ec2:volume',
      type: 'EBS',
      why: 'other partitions classify the same',
    },
  ];
  it.each(cases)('$arn -> $type ($why)', ({ arn, service, filter, type }) => {
    expect(classifyArn(arn)).toEqual({ service, backupType: type, taggingFilter: filter, supported: true });
    expect(isBackupArtifact(arn)).toBe(false);
  });
});

describe('classifyArn: resources AWS Backup does not protect', () => {
  const cases: { arn: string; service: string; filter: string | null; artifact: boolean; why: string }[] = [
    {
      arn: `arn:aws:ec2:${R}::snapshot/snap-0abc`,
      service: 'ec2',
      filter: 'ec2:snapshot',
      artifact: true,
      why: 'EBS snapshots are what Backup creates',
    },
    {
      arn: `arn:aws:ec2:${R}::image/ami-0abc`,
      service: 'ec2',
      filter: 'ec2:image',
      artifact: true,
      why: 'EC2 AMI',
    },
    {
      arn: `arn:aws:rds:${R}:${A}:snapshot:awsbackup:job-0abc`,
      service: 'rds',
      filter: 'rds:snapshot',
      artifact: true,
      why: 'RDS snapshot named by a Backup job',
    },
    {
      arn: `arn:aws:rds:${R}:${A}:cluster-snapshot:awsbackup:job-0abc`,
      service: 'rds',
      filter: 'rds:cluster-snapshot',
      artifact: true,
      why: 'must not be mistaken for rds:cluster',
    },
    {
      arn: `arn:aws:backup:${R}:${A}:recovery-point:1a2b3c4d-0000-1111-2222-333344445555`,
      service: 'backup',
      filter: 'backup:recovery-point',
      artifact: true,
      why: 'Backup recovery point',
    },
    {
      arn: `arn:aws:fsx:${R}:${A}:backup/backup-0abc`,
      service: 'fsx',
      filter: 'fsx:backup',
      artifact: true,
      why: 'FSx backup',
    },
    {
      arn: `arn:aws:redshift:${R}:${A}:snapshot:warehouse/awsbackup-0abc`,
      service: 'redshift',
      filter: 'redshift:snapshot',
      artifact: true,
      why: 'Redshift snapshot',
    },
    {
      arn: `arn:aws:ec2:${R}:${A}:subnet/subnet-0abc`,
      service: 'ec2',
      filter: null,
      artifact: false,
      why: 'a subnet',
    },
    {
      arn: `arn:aws:sqs:${R}:${A}:orders-queue`,
      service: 'sqs',
      filter: null,
      artifact: false,
      why: 'SQS queue',
    },
    {
      arn: `arn:aws:lambda:${R}:${A}:function:orders`,
      service: 'lambda',
      filter: null,
      artifact: false,
      why: 'Lambda function',
    },
    {
      arn: `arn:aws:rds:${R}:${A}:cluster-pg:custom`,
      service: 'rds',
      filter: null,
      artifact: false,
      why: 'a cluster parameter group is not a cluster',
    },
    {
      arn: `arn:aws:dynamodb:${R}:${A}:table/Orders/stream/2026-01-01T00:00:00.000`,
      service: 'dynamodb',
      filter: null,
      artifact: false,
      why: 'a table stream is not the table',
    },
    {
      arn: `arn:aws:storagegateway:${R}:${A}:gateway/sgw-12A3456B`,
      service: 'storagegateway',
      filter: null,
      artifact: false,
      why: 'the gateway itself is not backed up, only its volumes',
    },
    {
      arn: `arn:aws:elasticfilesystem:${R}:${A}:access-point/fsap-0abc`,
      service: 'elasticfilesystem',
      filter: null,
      artifact: false,
      why: 'an EFS access point',
    },
    { arn: 'vol-0abc', service: '', filter: null, artifact: false, why: 'not an ARN at all' },
    { arn: '', service: '', filter: null, artifact: false, why: 'empty string' },
  ];
  it.each(cases)('$arn ($why)', ({ arn, service, filter, artifact }) => {
    expect(classifyArn(arn)).toEqual({ service, backupType: null, taggingFilter: filter, supported: false });
    expect(isBackupArtifact(arn)).toBe(artifact);
  });
});

describe('tagging filters and opt-in keys', () => {
  it('lists the Region opt-in keys AWS documents (why: UpdateRegionSettings rejects unknown keys)', () => {
    const documented = [
      'Aurora',
      'CloudFormation',
      'DocumentDB',
      'DSQL',
      'DynamoDB',
      'EBS',
      'EC2',
      'EFS',
      'EKS',
      'FSx',
    ];
    documented.push('Neptune', 'RDS', 'Redshift', 'Redshift Serverless', 'S3', 'SAP HANA on Amazon EC2');
    documented.push('Storage Gateway', 'Timestream', 'VirtualMachine');
    expect([...OPT_IN_KEYS].sort()).toEqual(documented.sort());
  });
});
