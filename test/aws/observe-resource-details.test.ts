import { describe, expect, it } from 'vitest';
import { ClientFactory } from '../../shared/aws/clients.js';
import { readResourceDetails } from '../../shared/aws/observe-resource-details.js';
import type { TaggedResource } from '../../shared/domain/model.js';
import { baseWorld, MANAGEMENT, MEMBER_ROLE, PROD, REGION, simulate } from '../sandbox/helpers.js';

const key = (id: string) => `arn:aws:kms:${REGION}:${PROD}:key/${id}`;
const VOLUME = `arn:aws:ec2:${REGION}:${PROD}:volume/vol-0001`;
const PLAIN_VOLUME = `arn:aws:ec2:${REGION}:${PROD}:volume/vol-0002`;
const INSTANCE = `arn:aws:ec2:${REGION}:${PROD}:instance/i-0001`;
const DATABASE = `arn:aws:rds:${REGION}:${PROD}:db:orders`;
const AURORA = `arn:aws:rds:${REGION}:${PROD}:cluster:ledger`;
const DOCUMENTS = `arn:aws:rds:${REGION}:${PROD}:cluster:catalogue`;
const GRAPH = `arn:aws:rds:${REGION}:${PROD}:cluster:graph`;
const ONTAP = `arn:aws:fsx:${REGION}:${PROD}:file-system/fs-0001`;
const BUCKET = 'arn:aws:s3:::prod-exports';
const UNVERSIONED = 'arn:aws:s3:::prod-scratch';
const TABLE = `arn:aws:dynamodb:${REGION}:${PROD}:table/orders`;
const TAGS = { BackupEnabled: 'True' };

function world() {
  return baseWorld({
    accounts: {
      [PROD]: {
        regions: {
          [REGION]: {
            resources: [
              { arn: VOLUME, tags: TAGS, kmsKeyArn: key('volumes') },
              { arn: PLAIN_VOLUME, tags: TAGS },
              { arn: INSTANCE, tags: TAGS, kmsKeyArn: key('instances') },
              { arn: DATABASE, tags: TAGS, kmsKeyArn: key('rds') },
              { arn: AURORA, tags: TAGS },
              { arn: DOCUMENTS, tags: TAGS, resourceType: 'DocumentDB', kmsKeyArn: key('docdb') },
              { arn: GRAPH, tags: TAGS, resourceType: 'Neptune' },
              { arn: ONTAP, tags: TAGS, fileSystemType: 'ONTAP', kmsKeyArn: key('fsx') },
              { arn: BUCKET, tags: TAGS, kmsKeyArn: key('s3') },
              { arn: UNVERSIONED, tags: TAGS, versioning: false },
              { arn: TABLE, tags: TAGS },
            ],
          },
        },
      },
    },
  });
}

function factoryFor(sim: ReturnType<typeof simulate>) {
  return new ClientFactory({
    managementAccountId: MANAGEMENT,
    memberRoleName: MEMBER_ROLE,
    homeRegion: REGION,
    plugins: [sim.plugin()],
    credentials: sim.managementCredentials(),
    clock: { now: () => sim.now() },
    maxAttempts: 1,
  });
}

const tagged = (...arns: string[]): TaggedResource[] => arns.map((arn) => ({ arn, tags: TAGS }));
const TARGET = { accountId: PROD, region: REGION };

/** Reads by operation, without the AssumeRole calls that renew the member session. */
const readsOf = (sim: ReturnType<typeof simulate>) =>
  Object.fromEntries(Object.entries(sim.callCounts().byOperation).filter(([key]) => !key.startsWith('sts:')));

describe('which key encrypts each tagged resource, and its engine or type', () => {
  it('answers from the services’ own list calls, keyed by resource ARN', async () => {
    const sim = simulate(world());
    const all = tagged(
      VOLUME,
      PLAIN_VOLUME,
      INSTANCE,
      DATABASE,
      AURORA,
      DOCUMENTS,
      GRAPH,
      ONTAP,
      BUCKET,
      UNVERSIONED,
      TABLE,
    );
    const { details, typesListedInFull } = await readResourceDetails(factoryFor(sim), TARGET, all, sim.now());
    expect(typesListedInFull).toEqual(['ec2:volume', 'fsx:file-system', 'rds:cluster', 'rds:db']);

    expect(details).toEqual({
      [VOLUME]: { keyArn: key('volumes') },
      [PLAIN_VOLUME]: { keyArn: null },
      [INSTANCE]: { keyArn: key('instances'), volumeKeyArns: [key('instances')] },
      [DATABASE]: { keyArn: key('rds'), engine: 'postgres' },
      [AURORA]: { keyArn: null, engine: 'aurora-postgresql' },
      [DOCUMENTS]: { keyArn: key('docdb'), engine: 'docdb' },
      [GRAPH]: { keyArn: null, engine: 'neptune' },
      [ONTAP]: { keyArn: key('fsx'), fileSystemType: 'ONTAP' },
      [BUCKET]: { keyArn: key('s3'), versioningEnabled: true },
      [UNVERSIONED]: { keyArn: null, versioningEnabled: false },
    });
  });

  it('lists only the services that have tagged resources here, and reads each bucket once a day', async () => {
    const sim = simulate(world());
    const factory = factoryFor(sim);
    sim.resetCounters();
    await readResourceDetails(factory, TARGET, tagged(VOLUME, BUCKET, TABLE), sim.now());
    expect(readsOf(sim)).toEqual({
      'ec2:DescribeVolumes': 1,
      's3:GetBucketVersioning': 1,
      's3:GetBucketEncryption': 1,
    });

    sim.resetCounters();
    sim.advanceTo(new Date(sim.now().getTime() + 23 * 3_600_000));
    await readResourceDetails(factory, TARGET, tagged(VOLUME, BUCKET), sim.now());
    expect(readsOf(sim)).toEqual({ 'ec2:DescribeVolumes': 1 });

    sim.resetCounters();
    sim.advanceTo(new Date(sim.now().getTime() + 2 * 3_600_000));
    await readResourceDetails(factory, TARGET, tagged(BUCKET), sim.now());
    expect(readsOf(sim)).toEqual({
      's3:GetBucketVersioning': 1,
      's3:GetBucketEncryption': 1,
    });
  });
});
