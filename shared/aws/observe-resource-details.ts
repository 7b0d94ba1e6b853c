import type { Volume } from '@aws-sdk/client-ec2';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ResourceDetails, TaggedResource } from '../domain/model.js';
import { classifyArn } from '../domain/resource-types.js';
import { lazyImport } from '../lazy-import.js';
import type { ClientFactory } from './clients.js';
import { type Call, callSite, listAll, type TargetRef, unlessUnreadable } from './observe-reads.js';

const ec2Sdk = lazyImport(() => import('./sdk/ec2.js'));
const rdsSdk = lazyImport(() => import('./sdk/rds.js'));
const fsxSdk = lazyImport(() => import('./sdk/fsx.js'));
const s3BucketSettingsSdk = lazyImport(() => import('./sdk/s3-bucket-settings.js'));

/**
 * DescribeVolumes returns at most 500 volumes per page
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumes.html).
 */
const EC2_VOLUMES_PAGE_SIZE = 500;
/** RDS list calls return at most 100 records per page (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusters.html). */
const RDS_PAGE_SIZE = 100;

type Details = Record<string, ResourceDetails>;

/**
 * Tagging types whose own list call readResourceDetails makes in full whenever a tagged resource of the type
 * is here: a tagged resource of these types missing from that listing no longer exists. (Instances are not
 * among them: they are seen only through their volumes.)
 */
const LISTED_IN_FULL: readonly string[] = ['ec2:volume', 'rds:db', 'rds:cluster', 'fsx:file-system'];

/**
 * The key and engine/type details of the tagged resources, from each service's own list call: one listing
 * per service that has tagged resources here (EC2 DescribeVolumes also gives instances' volumes; RDS
 * DescribeDBInstances and DescribeDBClusters, which also list DocumentDB and Neptune clusters with their
 * engine; FSx DescribeFileSystems). S3 has no listing of bucket settings, so each tagged bucket costs two
 * reads (versioning, default encryption) kept for a day. Types without a cheap read (DynamoDB, EFS…) get
 * no entry.
 */
export async function readResourceDetails(
  factory: ClientFactory,
  target: TargetRef,
  resources: readonly TaggedResource[],
  now: Date,
): Promise<{ readonly details: Details; readonly typesListedInFull: string[] }> {
  const call = callSite(target.accountId, target.region);
  const byFilter = new Map<string, string[]>();
  for (const { arn } of resources) {
    const filter = classifyArn(arn).taggingFilter;
    if (filter !== null) byFilter.set(filter, [...(byFilter.get(filter) ?? []), arn]);
  }
  const has = (...filters: string[]) => filters.some((filter) => byFilter.has(filter));
  // A listing the member role may not make (a baseline not yet updated) leaves those resources without
  // details instead of blinding the whole target, and confirms nothing about which of them exist.
  const listedInFull: string[] = [];
  const listing = async (filter: string, read: () => Promise<Details>) => {
    const listed = await unlessUnreadable(read);
    if (listed === null) return {};
    if (LISTED_IN_FULL.includes(filter) && byFilter.has(filter)) listedInFull.push(filter);
    return listed;
  };
  const parts = await Promise.all([
    has('ec2:volume', 'ec2:instance')
      ? listing('ec2:volume', () => readVolumeKeys(factory, target, call))
      : {},
    has('rds:db') ? listing('rds:db', () => readDbInstances(factory, target, call)) : {},
    has('rds:cluster') ? listing('rds:cluster', () => readDbClusters(factory, target, call)) : {},
    has('fsx:file-system') ? listing('fsx:file-system', () => readFileSystems(factory, target, call)) : {},
    readBuckets(factory, target, call, byFilter.get('s3') ?? [], now),
  ]);
  const found = Object.assign({}, ...parts) as Details;
  const details: Details = {};
  for (const { arn } of resources) {
    // EC2 answers with ids: its entries are keyed by the ARN's resource part (`volume/vol-…`).
    const detail = found[arn] ?? (arn.split(':')[2] === 'ec2' ? found[resourcePart(arn)] : undefined);
    if (detail) details[arn] = detail;
  }
  return { details, typesListedInFull: listedInFull.sort() };
}

/** What follows `arn:partition:service:region:account:`. */
const resourcePart = (arn: string) => arn.split(':').slice(5).join(':');

/** Volumes (`volume/vol-…`), and instances (`instance/i-…`) with the keys of every volume attached to them. */
async function readVolumeKeys(factory: ClientFactory, target: TargetRef, call: Call): Promise<Details> {
  const { DescribeVolumesCommand, EC2Client } = await ec2Sdk();
  const ec2 = factory.clientOf(EC2Client, target.accountId, target.region);
  const volumes = await listAll(
    call,
    'DescribeVolumes',
    (NextToken) => ec2.send(new DescribeVolumesCommand({ MaxResults: EC2_VOLUMES_PAGE_SIZE, NextToken })),
    (page) => ({ items: page.Volumes, nextToken: page.NextToken }),
  );
  const details: Details = {};
  const instanceKeys = new Map<string, Set<string>>();
  for (const volume of volumes) {
    if (!volume.VolumeId) continue;
    const keyArn = volumeKey(volume);
    details[`volume/${volume.VolumeId}`] = { keyArn };
    for (const attachment of volume.Attachments ?? []) {
      if (!attachment.InstanceId) continue;
      const keys = instanceKeys.get(attachment.InstanceId) ?? new Set<string>();
      if (keyArn) keys.add(keyArn);
      instanceKeys.set(attachment.InstanceId, keys);
    }
  }
  for (const [instanceId, keys] of instanceKeys) {
    const volumeKeyArns = [...keys].sort();
    details[`instance/${instanceId}`] = {
      keyArn: volumeKeyArns[0] ?? null,
      volumeKeyArns,
    };
  }
  return details;
}

const volumeKey = (volume: Volume): string | null => (volume.Encrypted && volume.KmsKeyId) || null;

async function readDbInstances(factory: ClientFactory, target: TargetRef, call: Call): Promise<Details> {
  const { DescribeDBInstancesCommand, RDSClient } = await rdsSdk();
  const rds = factory.clientOf(RDSClient, target.accountId, target.region);
  const instances = await listAll(
    call,
    'DescribeDBInstances',
    (Marker) => rds.send(new DescribeDBInstancesCommand({ MaxRecords: RDS_PAGE_SIZE, Marker })),
    (page) => ({ items: page.DBInstances, nextToken: page.Marker }),
  );
  const details: Details = {};
  for (const instance of instances) {
    if (!instance.DBInstanceArn) continue;
    details[instance.DBInstanceArn] = {
      keyArn: (instance.StorageEncrypted && instance.KmsKeyId) || null,
      ...(instance.Engine ? { engine: instance.Engine } : {}),
    };
  }
  return details;
}

async function readDbClusters(factory: ClientFactory, target: TargetRef, call: Call): Promise<Details> {
  const { DescribeDBClustersCommand, RDSClient } = await rdsSdk();
  const rds = factory.clientOf(RDSClient, target.accountId, target.region);
  const clusters = await listAll(
    call,
    'DescribeDBClusters',
    (Marker) => rds.send(new DescribeDBClustersCommand({ MaxRecords: RDS_PAGE_SIZE, Marker })),
    (page) => ({ items: page.DBClusters, nextToken: page.Marker }),
  );
  const details: Details = {};
  for (const cluster of clusters) {
    if (!cluster.DBClusterArn) continue;
    details[cluster.DBClusterArn] = {
      keyArn: (cluster.StorageEncrypted && cluster.KmsKeyId) || null,
      ...(cluster.Engine ? { engine: cluster.Engine } : {}),
    };
  }
  return details;
}

async function readFileSystems(factory: ClientFactory, target: TargetRef, call: Call): Promise<Details> {
  const { DescribeFileSystemsCommand, FSxClient } = await fsxSdk();
  const fsx = factory.clientOf(FSxClient, target.accountId, target.region);
  const fileSystems = await listAll(
    call,
    'DescribeFileSystems',
    (NextToken) => fsx.send(new DescribeFileSystemsCommand({ NextToken })),
    (page) => ({ items: page.FileSystems, nextToken: page.NextToken }),
  );
  const details: Details = {};
  for (const fileSystem of fileSystems) {
    if (!fileSystem.ResourceARN) continue;
    details[fileSystem.ResourceARN] = {
      keyArn: fileSystem.KmsKeyId ?? null,
      ...(fileSystem.FileSystemType ? { fileSystemType: fileSystem.FileSystemType } : {}),
    };
  }
  return details;
}

async function readBuckets(
  factory: ClientFactory,
  target: TargetRef,
  call: Call,
  bucketArns: readonly string[],
  now: Date,
): Promise<Details> {
  if (bucketArns.length === 0) return {};
  const { GetBucketEncryptionCommand, GetBucketVersioningCommand, S3Client } = await s3BucketSettingsSdk();
  const commands = { GetBucketEncryptionCommand, GetBucketVersioningCommand };
  const s3 = factory.clientOf(S3Client, target.accountId, target.region);
  const entries = await Promise.all(
    bucketArns.map(async (arn) => {
      const bucket = resourcePart(arn);
      const read = () => readBucket(commands, s3, call, keyArnPrefix(arn, target), bucket);
      return [arn, await factory.dailyReads.read(`s3:${target.accountId}:${bucket}`, now, read)] as const;
    }),
  );
  return Object.fromEntries(entries.flatMap(([arn, detail]) => (detail ? [[arn, detail]] : [])));
}

/** null: the bucket could not be read (deleted meanwhile, or a bucket policy refusing the controller). */
async function readBucket(
  {
    GetBucketEncryptionCommand,
    GetBucketVersioningCommand,
  }: Pick<
    typeof import('./sdk/s3-bucket-settings.js'),
    'GetBucketEncryptionCommand' | 'GetBucketVersioningCommand'
  >,
  s3: S3Client,
  call: Call,
  keyPrefix: string,
  bucket: string,
): Promise<ResourceDetails | null> {
  const [versioning, encryption] = await Promise.all([
    unlessUnreadable(() =>
      call('GetBucketVersioning', () => s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))),
    ),
    unlessUnreadable(() =>
      call('GetBucketEncryption', () => s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }))),
    ),
  ]);
  if (versioning === null) return null;
  const sse = encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
  return {
    keyArn: sse?.SSEAlgorithm?.startsWith('aws:kms') ? bucketKeyArn(keyPrefix, sse.KMSMasterKeyID) : null,
    versioningEnabled: versioning.Status === 'Enabled',
  };
}

/**
 * The default-encryption key as an ARN: S3 accepts a key id, alias or ARN there, and SSE-KMS without one
 * means the AWS managed key `aws/s3` (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html).
 */
function bucketKeyArn(prefix: string, keyId: string | undefined): string {
  if (keyId?.startsWith('arn:')) return keyId;
  if (keyId === undefined) return `${prefix}:alias/aws/s3`;
  return keyId.startsWith('alias/') ? `${prefix}:${keyId}` : `${prefix}:key/${keyId}`;
}

/** `arn:<partition>:kms:<region>:<account>` for keys named by id or alias next to the bucket. */
const keyArnPrefix = (bucketArn: string, target: TargetRef) =>
  `arn:${bucketArn.split(':')[1]}:kms:${target.region}:${target.accountId}`;
