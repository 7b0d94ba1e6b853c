import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Item } from './codecs.js';
import { InvalidCursorError, StoreReadError, StoreWriteError } from './errors.js';
import { FINDINGS_TABLE } from './table.js';
import type { Page, PageRequest } from './types.js';

export interface TableAccessOptions {
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long transitions, action events and run records are kept (DynamoDB TTL). */
  readonly historyTtlDays?: number;
  /** Attempts per BatchWriteItem chunk before UnprocessedItems become a StoreWriteError. */
  readonly maxBatchAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface Condition {
  readonly expression: string;
  readonly values?: Record<string, unknown>;
}

export type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

interface KeyValue {
  readonly name: string;
  readonly value: string;
}

/** One key-condition query; a listing may chain several (e.g. one per status partition). */
export interface QueryPlan {
  readonly indexName?: string;
  readonly partition: KeyValue;
  readonly sortPrefix?: KeyValue;
  /** Sort keys from this value on (instead of a prefix), e.g. everything since a time. */
  readonly sortFrom?: KeyValue;
  readonly filters?: readonly QueryFilter[];
  readonly newestFirst?: boolean;
}

/** `name = value`, or `contains(name, value)` for a list attribute; a dotted name reads a nested field. */
export interface QueryFilter {
  readonly name: string;
  readonly value: unknown;
  readonly op?: 'contains';
}

interface Cursor {
  /** Index of the plan to continue with. */
  readonly p: number;
  /** LastEvaluatedKey within that plan. */
  readonly k?: Item;
}

const BATCH_SIZE = 25;
const BATCH_GET_SIZE = 100;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const PARALLEL_BATCHES = 4;
const DAY_SECONDS = 86_400;

/** Partition and sort-key condition builders for the table and its indexes. */
export const on = {
  table: (partition: string, sortPrefix?: string): QueryPlan => ({
    partition: { name: FINDINGS_TABLE.partitionKey, value: partition },
    ...(sortPrefix === undefined ? {} : { sortPrefix: { name: FINDINGS_TABLE.sortKey, value: sortPrefix } }),
  }),
  collections: (partition: string, sortPrefix?: string): QueryPlan => ({
    indexName: FINDINGS_TABLE.collectionsIndex.name,
    partition: { name: FINDINGS_TABLE.collectionsIndex.partitionKey, value: partition },
    ...(sortPrefix === undefined
      ? {}
      : { sortPrefix: { name: FINDINGS_TABLE.collectionsIndex.sortKey, value: sortPrefix } }),
  }),
  /** Items of a collection whose GSI1 sort key is at or after `from` (sort keys start with a time). */
  collectionsSince: (partition: string, from: string): QueryPlan => ({
    indexName: FINDINGS_TABLE.collectionsIndex.name,
    partition: { name: FINDINGS_TABLE.collectionsIndex.partitionKey, value: partition },
    sortFrom: { name: FINDINGS_TABLE.collectionsIndex.sortKey, value: from },
  }),
  counts: (partition: string): QueryPlan => ({
    indexName: FINDINGS_TABLE.countsIndex.name,
    partition: { name: FINDINGS_TABLE.countsIndex.partitionKey, value: partition },
  }),
  byRegion: (partition: string, sortPrefix: string): QueryPlan => ({
    indexName: FINDINGS_TABLE.byRegionIndex.name,
    partition: { name: FINDINGS_TABLE.byRegionIndex.partitionKey, value: partition },
    sortPrefix: { name: FINDINGS_TABLE.byRegionIndex.sortKey, value: sortPrefix },
  }),
};

/**
 * The table layer: gets, puts and updates, queries drained or paged behind an opaque cursor, and batched
 * writes whose UnprocessedItems are retried with backoff. It knows the key schema, not the entities.
 */
export class TableAccess {
  readonly tableName: string;
  private readonly documents: DynamoDBDocumentClient;
  private readonly historyTtlSeconds: number;
  private readonly maxBatchAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: TableAccessOptions) {
    this.documents =
      options.client instanceof DynamoDBClient
        ? DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } })
        : options.client;
    this.tableName = options.tableName;
    this.historyTtlSeconds = (options.historyTtlDays ?? 90) * DAY_SECONDS;
    this.maxBatchAttempts = options.maxBatchAttempts ?? 8;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The TTL (epoch seconds) of a history, action-event or run item written at `now`. */
  expiresAt(now: Date): number {
    return Math.floor(now.getTime() / 1000) + this.historyTtlSeconds;
  }

  async get(partition: string, sortKey: string): Promise<Item | null> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: { PK: partition, SK: sortKey } }),
    );
    return Item ?? null;
  }

  async put(item: Item): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  /** Puts `item` only when `condition` holds; false when it did not (ConditionalCheckFailed). */
  async putIf(item: Item, condition: Condition): Promise<boolean> {
    return whenConditionHolds(() =>
      this.documents.send(
        new PutCommand({ TableName: this.tableName, Item: item, ...conditionExpression(condition) }),
      ),
    );
  }

  /** Deletes the item only when `condition` holds; false when it did not. */
  async deleteIf(partition: string, sortKey: string, condition: Condition): Promise<boolean> {
    return whenConditionHolds(() =>
      this.documents.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { PK: partition, SK: sortKey },
          ...conditionExpression(condition),
        }),
      ),
    );
  }

  /** Sets `attributes` on an existing item only when `condition` holds; false when it did not. */
  async updateIf(
    partition: string,
    sortKey: string,
    attributes: Record<string, unknown>,
    condition: Condition,
  ): Promise<boolean> {
    const names = Object.keys(attributes);
    return whenConditionHolds(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: partition, SK: sortKey },
          UpdateExpression: `SET ${names.map((_, index) => `#a${index} = :a${index}`).join(', ')}`,
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: Object.fromEntries(names.map((name, index) => [`#a${index}`, name])),
          ExpressionAttributeValues: {
            ...condition.values,
            ...Object.fromEntries(names.map((name, index) => [`:a${index}`, attributes[name]])),
          },
        }),
      ),
    );
  }

  async update(input: Omit<UpdateCommandInput, 'TableName'>): Promise<void> {
    await this.documents.send(new UpdateCommand({ TableName: this.tableName, ...input }));
  }

  /**
   * Items by key (absent ones are left out), 100 keys per request, unprocessed keys asked for again;
   * with `projection`, only those attributes of each.
   */
  async batchGet(
    keys: readonly { readonly PK: string; readonly SK: string }[],
    projection?: readonly string[],
  ): Promise<Item[]> {
    const items: Item[] = [];
    const projected = projection ? projectionOf(projection) : {};
    for (let start = 0; start < keys.length; start += BATCH_GET_SIZE) {
      let pending: BatchGetCommandInput['RequestItems'] = {
        [this.tableName]: {
          Keys: keys.slice(start, start + BATCH_GET_SIZE).map(({ PK, SK }) => ({ PK, SK })),
          ...projected,
        },
      };
      for (let attempt = 1; pending && Object.keys(pending).length > 0; attempt++) {
        if (attempt > this.maxBatchAttempts) {
          throw new StoreReadError(
            `Reads from ${this.tableName} were still unprocessed after ${attempt - 1} attempts.`,
          );
        }
        if (attempt > 1) await this.sleep(Math.min(50 * 2 ** attempt, 5_000));
        const output: BatchGetCommandOutput = await this.documents.send(
          new BatchGetCommand({ RequestItems: pending }),
        );
        items.push(...(output.Responses?.[this.tableName] ?? []));
        pending = output.UnprocessedKeys;
      }
    }
    return items;
  }

  async batchWrite(requests: readonly WriteRequest[]): Promise<void> {
    const chunks: WriteRequest[][] = [];
    for (let start = 0; start < requests.length; start += BATCH_SIZE) {
      chunks.push(requests.slice(start, start + BATCH_SIZE));
    }
    for (let start = 0; start < chunks.length; start += PARALLEL_BATCHES) {
      await Promise.all(chunks.slice(start, start + PARALLEL_BATCHES).map((chunk) => this.writeChunk(chunk)));
    }
  }

  async queryAll(plan: QueryPlan, projection?: readonly string[]): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const input = this.queryInput(plan, startKey);
      if (projection) {
        const { ProjectionExpression, ExpressionAttributeNames } = projectionOf(projection);
        input.ProjectionExpression = ProjectionExpression;
        input.ExpressionAttributeNames = { ...input.ExpressionAttributeNames, ...ExpressionAttributeNames };
      }
      const output = await this.documents.send(new QueryCommand(input));
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /**
   * One page across a chain of query plans. DynamoDB applies Limit before the filter, so the page is filled
   * with further requests (each limited to what is still missing) to keep the cursor exact.
   */
  async page<T>(plans: readonly QueryPlan[], map: (item: Item) => T, request: PageRequest): Promise<Page<T>> {
    const limit = Math.min(Math.max(request.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
    let cursor: Cursor | null = request.cursor ? decodeCursor(request.cursor, plans.length) : { p: 0 };
    const items: T[] = [];
    while (cursor && items.length < limit) {
      const plan: QueryPlan = plans[cursor.p]!;
      const output: QueryCommandOutput = await this.documents.send(
        new QueryCommand({ ...this.queryInput(plan, cursor.k), Limit: limit - items.length }),
      );
      items.push(...(output.Items ?? []).map(map));
      const lastKey: Item | undefined = output.LastEvaluatedKey;
      if (lastKey) cursor = { p: cursor.p, k: lastKey };
      else cursor = cursor.p + 1 < plans.length ? { p: cursor.p + 1 } : null;
    }
    return { items, nextCursor: cursor ? encodeCursor(cursor) : null };
  }

  private async writeChunk(chunk: WriteRequest[]): Promise<void> {
    let pending: BatchWriteCommandOutput['UnprocessedItems'] = { [this.tableName]: chunk };
    for (let attempt = 1; ; attempt++) {
      const output: BatchWriteCommandOutput = await this.documents.send(
        new BatchWriteCommand({ RequestItems: pending }),
      );
      pending = output.UnprocessedItems;
      const left = pending?.[this.tableName]?.length ?? 0;
      if (left === 0) return;
      if (attempt >= this.maxBatchAttempts) {
        throw new StoreWriteError(
          `${left} of ${chunk.length} writes to ${this.tableName} were still unprocessed after ${attempt} attempts.`,
        );
      }
      await this.sleep(Math.min(50 * 2 ** attempt, 5_000));
    }
  }

  private queryInput(plan: QueryPlan, startKey?: Item): QueryCommandInput {
    const names: Record<string, string> = { '#pk': plan.partition.name };
    const values: Record<string, unknown> = { ':pk': plan.partition.value };
    let keyCondition = '#pk = :pk';
    if (plan.sortFrom) {
      names['#sk'] = plan.sortFrom.name;
      values[':sk'] = plan.sortFrom.value;
      keyCondition += ' AND #sk >= :sk';
    } else if (plan.sortPrefix) {
      names['#sk'] = plan.sortPrefix.name;
      values[':sk'] = plan.sortPrefix.value;
      keyCondition += ' AND begins_with(#sk, :sk)';
    }
    const filters = (plan.filters ?? []).map((filter, index) => {
      const path = filter.name
        .split('.')
        .map((part, depth) => {
          names[`#f${index}_${depth}`] = part;
          return `#f${index}_${depth}`;
        })
        .join('.');
      values[`:f${index}`] = filter.value;
      return filter.op === 'contains' ? `contains(${path}, :f${index})` : `${path} = :f${index}`;
    });
    return {
      TableName: this.tableName,
      ...(plan.indexName ? { IndexName: plan.indexName } : {}),
      KeyConditionExpression: keyCondition,
      ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: !plan.newestFirst,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    };
  }
}

/** Reads only `attributes`: their names go through placeholders, so reserved words (`region`) are fine. */
function projectionOf(attributes: readonly string[]) {
  return {
    ProjectionExpression: attributes.map((_, index) => `#p${index}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(attributes.map((name, index) => [`#p${index}`, name])),
  };
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(encoded: string, planCount: number): Cursor {
  let cursor: unknown;
  try {
    cursor = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError({ cause: error });
  }
  if (typeof cursor !== 'object' || cursor === null) throw new InvalidCursorError();
  const { p, k } = cursor as { p?: unknown; k?: unknown };
  const validPlan = typeof p === 'number' && Number.isInteger(p) && p >= 0 && p < planCount;
  // Every key attribute of this table is a string; anything else (a number DynamoDB cannot marshal, a
  // nested object) was not issued by this store.
  const validKey =
    k === undefined ||
    (typeof k === 'object' &&
      k !== null &&
      !Array.isArray(k) &&
      Object.values(k).every((value) => typeof value === 'string'));
  if (!validPlan || !validKey) throw new InvalidCursorError();
  return k === undefined ? { p } : { p, k: k as Item };
}

function conditionExpression(condition: Condition) {
  return {
    ConditionExpression: condition.expression,
    ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
  };
}

/** Runs a conditional write: false when DynamoDB refused it because its condition did not hold. */
async function whenConditionHolds(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
