/**
 * Which tagged resources AWS Backup can protect, told from the ARN alone (docs/aws-behaviour.md#backup-resource-types):
 * ARN pattern →
 * Resource Groups Tagging API `ResourceTypeFilters` entry → AWS Backup `ResourceType` (also the key of the
 * Region opt-in map, docs/aws-behaviour.md#region-opt-in).
 *
 * How observers should call GetResources (docs/aws-behaviour.md#tagging-getresources-filters and
 * #tagging-getresources-coverage): the Tagging API has no "exclude" filter, and
 * AWS Backup's own artifacts (snapshots, AMIs, recovery points) carry copies of the source's tags, so they
 * match the selection tag too.
 * To report UNSUPPORTED_RESOURCE_TYPE too (a tagged SQS queue the owner believes is backed up), observers
 * query with TagFilters only, drop `isBackupArtifact(arn)` results, and `classifyArn` the rest.
 */

/** Region settings keys (`ResourceTypeOptInPreference`), which are also the Backup `ResourceType` values. */
export const OPT_IN_KEYS = [
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
  'Neptune',
  'RDS',
  'Redshift',
  'Redshift Serverless',
  'S3',
  'SAP HANA on Amazon EC2',
  'Storage Gateway',
  'Timestream',
  'VirtualMachine',
] as const;
export type BackupResourceType = (typeof OPT_IN_KEYS)[number];

export interface ArnClassification {
  /** The ARN's service segment (`ec2`, `rds`, `s3`, …); empty when the string is not an ARN. */
  readonly service: string;
  /** The AWS Backup resource type, or null when AWS Backup cannot back this resource up. */
  readonly backupType: BackupResourceType | null;
  /** The GetResources `ResourceTypeFilters` entry for this kind of resource, when known. */
  readonly taggingFilter: string | null;
  readonly supported: boolean;
}

interface ArnKind {
  readonly service: string;
  /** Matched against the ARN's resource part (everything after `arn:partition:service:region:account:`). */
  readonly resource: RegExp;
  readonly taggingFilter: string;
  /** null for AWS Backup's own artifacts. */
  readonly backupType: BackupResourceType | null;
}

const BACKUPABLE: readonly ArnKind[] = [
  { service: 'ec2', resource: /^volume\//, taggingFilter: 'ec2:volume', backupType: 'EBS' },
  { service: 'ec2', resource: /^instance\//, taggingFilter: 'ec2:instance', backupType: 'EC2' },
  { service: 'rds', resource: /^db:/, taggingFilter: 'rds:db', backupType: 'RDS' },
  // DocumentDB and Neptune clusters share this ARN form; only DescribeDBClusters' Engine tells them apart
  // (docs/aws-behaviour.md#backup-resource-types). Aurora is by far the common case, so the ARN alone maps there.
  { service: 'rds', resource: /^cluster:/, taggingFilter: 'rds:cluster', backupType: 'Aurora' },
  {
    service: 'dynamodb',
    resource: /^table\/[^/]+$/,
    taggingFilter: 'dynamodb:table',
    backupType: 'DynamoDB',
  },
  {
    service: 'elasticfilesystem',
    resource: /^file-system\//,
    taggingFilter: 'elasticfilesystem:file-system',
    backupType: 'EFS',
  },
  // Bucket ARNs have no type segment (arn:aws:s3:::bucket); objects are not taggable resources here.
  { service: 's3', resource: /^[^/]+$/, taggingFilter: 's3', backupType: 'S3' },
  { service: 'fsx', resource: /^file-system\//, taggingFilter: 'fsx:file-system', backupType: 'FSx' },
  { service: 'fsx', resource: /^volume\//, taggingFilter: 'fsx:volume', backupType: 'FSx' },
  { service: 'redshift', resource: /^cluster:/, taggingFilter: 'redshift:cluster', backupType: 'Redshift' },
  {
    service: 'redshift-serverless',
    resource: /^namespace\//,
    taggingFilter: 'redshift-serverless:namespace',
    backupType: 'Redshift Serverless',
  },
  // Volumes are sub-resources of a gateway; the gateway itself is not backed up.
  {
    service: 'storagegateway',
    resource: /^gateway\/[^/]+\/volume\//,
    taggingFilter: 'storagegateway:gateway',
    backupType: 'Storage Gateway',
  },
  {
    service: 'timestream',
    resource: /^database\/[^/]+\/table\/[^/]+$/,
    taggingFilter: 'timestream:table',
    backupType: 'Timestream',
  },
  {
    service: 'timestream',
    resource: /^database\/[^/]+$/,
    taggingFilter: 'timestream:database',
    backupType: 'Timestream',
  },
  {
    service: 'backup-gateway',
    resource: /^vm\//,
    taggingFilter: 'backup-gateway:vm',
    backupType: 'VirtualMachine',
  },
  {
    service: 'cloudformation',
    resource: /^stack\//,
    taggingFilter: 'cloudformation:stack',
    backupType: 'CloudFormation',
  },
  { service: 'ssm-sap', resource: /^HANA\//, taggingFilter: 'ssm-sap', backupType: 'SAP HANA on Amazon EC2' },
  { service: 'eks', resource: /^cluster\//, taggingFilter: 'eks:cluster', backupType: 'EKS' },
  { service: 'dsql', resource: /^cluster\//, taggingFilter: 'dsql:cluster', backupType: 'DSQL' },
];

/** What AWS Backup (and the services it drives) create as recovery points; never "resources to protect". */
const BACKUP_ARTIFACTS: readonly ArnKind[] = [
  { service: 'ec2', resource: /^snapshot\//, taggingFilter: 'ec2:snapshot', backupType: null },
  { service: 'ec2', resource: /^image\//, taggingFilter: 'ec2:image', backupType: null },
  { service: 'rds', resource: /^snapshot:/, taggingFilter: 'rds:snapshot', backupType: null },
  { service: 'rds', resource: /^cluster-snapshot:/, taggingFilter: 'rds:cluster-snapshot', backupType: null },
  {
    service: 'backup',
    resource: /^recovery-point:/,
    taggingFilter: 'backup:recovery-point',
    backupType: null,
  },
  { service: 'fsx', resource: /^backup\//, taggingFilter: 'fsx:backup', backupType: null },
  { service: 'redshift', resource: /^snapshot:/, taggingFilter: 'redshift:snapshot', backupType: null },
];

export function classifyArn(arn: string): ArnClassification {
  const parts = splitArn(arn);
  if (!parts) return { service: '', backupType: null, taggingFilter: null, supported: false };
  const kind = findKind(BACKUPABLE, parts) ?? findKind(BACKUP_ARTIFACTS, parts);
  return {
    service: parts.service,
    backupType: kind?.backupType ?? null,
    taggingFilter: kind?.taggingFilter ?? null,
    supported: Boolean(kind?.backupType),
  };
}

/**
 * An `rds:cluster` ARN is Aurora, DocumentDB or Neptune; DescribeDBClusters' Engine says which
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html). A Multi-AZ DB cluster
 * (engine `mysql` or `postgres`) is backed up as RDS.
 */
export function backupTypeOfEngine(engine: string): BackupResourceType {
  if (engine === 'docdb') return 'DocumentDB';
  if (engine === 'neptune') return 'Neptune';
  return engine.startsWith('aurora') ? 'Aurora' : 'RDS';
}

/** The AWS Backup type of a resource, from its ARN and, for RDS clusters, the engine its service reported. */
export function backupTypeOf(arn: string, engine?: string): BackupResourceType | null {
  const type = classifyArn(arn);
  return type.taggingFilter === 'rds:cluster' && engine !== undefined
    ? backupTypeOfEngine(engine)
    : type.backupType;
}

/** True for snapshots, AMIs and recovery points: tagged like their source, but not resources to report. */
export function isBackupArtifact(arn: string): boolean {
  const parts = splitArn(arn);
  return parts !== null && findKind(BACKUP_ARTIFACTS, parts) !== undefined;
}

function splitArn(arn: string): { service: string; resource: string } | null {
  const match = /^arn:[a-z0-9-]+:([a-z0-9-]+):[^:]*:[^:]*:(.+)$/.exec(arn);
  return match ? { service: match[1]!, resource: match[2]! } : null;
}

function findKind(
  kinds: readonly ArnKind[],
  parts: { service: string; resource: string },
): ArnKind | undefined {
  return kinds.find((kind) => kind.service === parts.service && kind.resource.test(parts.resource));
}
