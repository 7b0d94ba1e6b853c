import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { ConfigValidationError } from '../domain/config/validation-error.js';

// A module of its own, not part of lambda-runtime: only the events function remembers events, so only
// it loads Powertools idempotency at start.

let persistence: DynamoDBPersistenceLayer | undefined;

/** Where the events function remembers the event ids it has processed (Powertools idempotency). */
export function eventsPersistence(env: NodeJS.ProcessEnv = process.env): DynamoDBPersistenceLayer {
  const tableName = env.IDEMPOTENCY_TABLE_NAME;
  if (!tableName) {
    throw new ConfigValidationError([
      { path: 'environment.IDEMPOTENCY_TABLE_NAME', message: 'missing', fix: 'redeploy the stack' },
    ]);
  }
  persistence ??= new DynamoDBPersistenceLayer({ tableName });
  return persistence;
}
