import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { OutgoingMessage } from './delivery.js';
import { AlertMemoryWriteError } from './errors.js';
import { type FlapRecord, flapKey } from './flaps.js';

/**
 * What alerting remembers between runs, in the findings table under its own partitions: the outbox of
 * messages not yet delivered, and each resource's recent class changes for flap damping. Both expire
 * through the table's TTL attribute (`expiresAt`), so nothing here grows without bound.
 */
export interface AlertMemoryOptions {
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long an undelivered message is retried before it is dropped (default 24 h). */
  readonly outboxTtlHours?: number;
}

const OUTBOX_PARTITION = 'OUTBOX';
const flapPartition = (accountId: string) => `ALERTFLAPS#${accountId}`;
const BATCH_SIZE = 25;
const BATCH_ATTEMPTS = 5;

type Item = Record<string, unknown>;

export class AlertMemory {
  private readonly documents: DynamoDBDocumentClient;
  private readonly outboxTtlSeconds: number;

  constructor(private readonly options: AlertMemoryOptions) {
    this.documents =
      options.client instanceof DynamoDBClient
        ? DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } })
        : options.client;
    this.outboxTtlSeconds = (options.outboxTtlHours ?? 24) * 3600;
  }

  /** Undelivered messages that have not expired, oldest first. */
  async pendingMessages(now: Date): Promise<OutgoingMessage[]> {
    const items = await this.queryAll(OUTBOX_PARTITION);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    return items
      .filter((item) => Number(item.expiresAt) > nowSeconds)
      .map((item) => JSON.parse(String(item.message)) as OutgoingMessage);
  }

  /** Keeps messages for the next run; a message already kept keeps its first expiry. */
  async keep(messages: readonly OutgoingMessage[]): Promise<void> {
    await this.batchWrite(
      messages.map((message) => ({
        PutRequest: {
          Item: {
            PK: OUTBOX_PARTITION,
            SK: outboxSortKey(message),
            entity: 'OUTBOX_MESSAGE',
            message: JSON.stringify(message),
            expiresAt: Math.floor(Date.parse(message.createdAt) / 1000) + this.outboxTtlSeconds,
          },
        },
      })),
    );
  }

  async forget(messages: readonly OutgoingMessage[]): Promise<void> {
    await this.batchWrite(
      messages.map((message) => ({
        DeleteRequest: { Key: { PK: OUTBOX_PARTITION, SK: outboxSortKey(message) } },
      })),
    );
  }

  /** The flap records of these accounts, keyed by flapKey. One Query per account. */
  async flapRecords(accountIds: readonly string[]): Promise<Map<string, FlapRecord>> {
    const records = new Map<string, FlapRecord>();
    for (const accountId of accountIds) {
      for (const item of await this.queryAll(flapPartition(accountId))) {
        const record: FlapRecord = {
          accountId,
          region: String(item.region),
          arn: String(item.arn),
          changes: (item.changes as string[] | undefined) ?? [],
          flappingSince: (item.flappingSince as string | null | undefined) ?? null,
        };
        records.set(flapKey(accountId, record.region, record.arn), record);
      }
    }
    return records;
  }

  /** Stores flap records; each expires one window after its last change. */
  async saveFlapRecords(records: readonly FlapRecord[], windowHours: number): Promise<void> {
    await this.batchWrite(
      records.map((record) => ({
        PutRequest: {
          Item: {
            PK: flapPartition(record.accountId),
            SK: `${record.region}#${record.arn}`,
            entity: 'ALERT_FLAPS',
            ...record,
            expiresAt: Math.floor(Date.parse(record.changes.at(-1) ?? '') / 1000) + windowHours * 3600,
          },
        },
      })),
    );
  }

  private async queryAll(partition: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((page.Items ?? []) as Item[]));
      start = page.LastEvaluatedKey as Item | undefined;
    } while (start);
    return items;
  }

  private async batchWrite(requests: readonly Item[]): Promise<void> {
    for (let i = 0; i < requests.length; i += BATCH_SIZE) {
      let pending = requests.slice(i, i + BATCH_SIZE);
      for (let attempt = 1; pending.length > 0; attempt++) {
        const output = await this.documents.send(
          new BatchWriteCommand({ RequestItems: { [this.options.tableName]: pending } }),
        );
        pending = (output.UnprocessedItems?.[this.options.tableName] ?? []) as Item[];
        if (pending.length > 0 && attempt >= BATCH_ATTEMPTS) {
          throw new AlertMemoryWriteError(
            `DynamoDB left ${pending.length} outbox or flap-record writes unprocessed`,
          );
        }
      }
    }
  }
}

function outboxSortKey(message: OutgoingMessage): string {
  return `${message.createdAt}#${message.id}`;
}
