/** What an ARN says about a resource: its Backup resource type and its Tagging API type string. */

export interface ParsedArn {
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  /** `service:resourceType` as the Tagging API's ResourceTypeFilters spell it, e.g. `ec2:volume`, `s3`. */
  readonly taggingType: string;
}

export function parseArn(arn: string): ParsedArn | null {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return null;
  const [, , service = '', region = '', accountId = ''] = parts;
  const resource = parts.slice(5).join(':');
  const resourceType = service === 's3' ? '' : (resource.split(/[/:]/)[0] ?? '');
  return { service, region, accountId, taggingType: resourceType ? `${service}:${resourceType}` : service };
}

/** Tagging type → AWS Backup ResourceType (facts §3.3). rds:cluster defaults to Aurora unless told otherwise. */
const BACKUP_TYPE_BY_TAGGING_TYPE: Readonly<Record<string, string>> = {
  'ec2:volume': 'EBS',
  'ec2:instance': 'EC2',
  'rds:db': 'RDS',
  'rds:cluster': 'Aurora',
  'dynamodb:table': 'DynamoDB',
  'elasticfilesystem:file-system': 'EFS',
  s3: 'S3',
  'fsx:file-system': 'FSx',
  'fsx:volume': 'FSx',
  'redshift:cluster': 'Redshift',
  'redshift-serverless:namespace': 'Redshift Serverless',
  'storagegateway:gateway': 'Storage Gateway',
  'timestream:database': 'Timestream',
  'backup-gateway:vm': 'VirtualMachine',
  'cloudformation:stack': 'CloudFormation',
  'ssm-sap:HANA': 'SAP HANA on Amazon EC2',
  'eks:cluster': 'EKS',
  'dsql:cluster': 'DSQL',
};

export function backupResourceType(arn: string): string | null {
  const parsed = parseArn(arn);
  return parsed ? (BACKUP_TYPE_BY_TAGGING_TYPE[parsed.taggingType] ?? null) : null;
}

/**
 * The sandbox's default ResourceTypeOptInPreference. AWS's real defaults vary by type and Region (facts
 * §2.10 [U]); these follow the common pattern: long-standing types on, newer ones off.
 */
export const DEFAULT_OPT_IN: Readonly<Record<string, boolean>> = {
  Aurora: true,
  CloudFormation: false,
  DocumentDB: true,
  DSQL: false,
  DynamoDB: true,
  EBS: true,
  EC2: true,
  EFS: true,
  EKS: false,
  FSx: true,
  Neptune: true,
  RDS: true,
  Redshift: false,
  'Redshift Serverless': false,
  S3: false,
  'SAP HANA on Amazon EC2': false,
  'Storage Gateway': true,
  Timestream: false,
  VirtualMachine: false,
};

/**
 * The sandbox's default ResourceTypeManagementPreference. Advanced DynamoDB backup is on by default for
 * accounts that first used AWS Backup after November 2021; a world plants an older account with the Region
 * field `managementPreference: { DynamoDB: false }`.
 */
export const DEFAULT_MANAGEMENT_PREFERENCE: Readonly<Record<string, boolean>> = {
  CloudFormation: true,
  DSQL: true,
  DynamoDB: true,
  EFS: true,
};

/** A Tagging ResourceTypeFilters entry (`ec2`, `ec2:volume`) matches a resource's tagging type. */
export function matchesTypeFilter(taggingType: string, filter: string): boolean {
  if (filter === 's3:bucket') return taggingType === 's3';
  return taggingType === filter || taggingType.startsWith(`${filter}:`);
}

/** Glob match for resource_types patterns such as `arn:aws:ec2:*:*:volume/*`. */
export function arnMatchesPattern(arn: string, pattern: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return regex.test(arn);
}
