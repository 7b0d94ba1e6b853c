import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { FINDINGS_TABLE } from '../../shared/store/table.js';

/**
 * A local engine turns a table ACTIVE within milliseconds, but the waiter's first DescribeTable usually still
 * sees CREATING; with the SDK's default one-second minimum delay that cost a second per table, per sandbox start.
 */
const LOCAL_TABLE_WAIT = (client: DynamoDBClient) => ({
  client,
  maxWaitTime: 30,
  minDelay: 0.01,
  maxDelay: 1,
});

/**
 * Creates the findings table on a local engine (tests, sandbox), exactly as infra deploys it: string keys,
 * GSI1 and GSI2 projecting ALL attributes, GSI3 only the counts, on-demand billing. TTL is not enabled here because the local engine
 * (dynalite) has no UpdateTimeToLive; the store writes `expiresAt` all the same. Idempotent.
 */
export async function createFindingsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, sortKey, collectionsIndex, byRegionIndex, countsIndex } = FINDINGS_TABLE;
  const indexes = [collectionsIndex, byRegionIndex, countsIndex];
  const keyNames = [
    partitionKey,
    sortKey,
    ...indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  const index = (spec: {
    name: string;
    partitionKey: string;
    sortKey: string;
    projectedAttributes?: readonly string[];
  }) => ({
    IndexName: spec.name,
    KeySchema: [
      { AttributeName: spec.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: spec.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: spec.projectedAttributes
      ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...spec.projectedAttributes] }
      : { ProjectionType: 'ALL' as const },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keyNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: indexes.map(index),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists(LOCAL_TABLE_WAIT(client), { TableName: tableName });
}

/**
 * The table Powertools idempotency keeps its records in (partition key `id`), for the local engine; infra
 * deploys the same shape with TTL on `expiration`.
 */
export async function createIdempotencyTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists(LOCAL_TABLE_WAIT(client), { TableName: tableName });
}
