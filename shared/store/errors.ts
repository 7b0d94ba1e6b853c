import { ControllerError } from '../domain/errors.js';

/** DynamoDB kept returning UnprocessedItems after every retry; the save is incomplete and must be retried. */
export class StoreWriteError extends ControllerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_WRITE_INCOMPLETE', message, options);
  }
}

/** DynamoDB kept returning UnprocessedKeys after every retry. */
export class StoreReadError extends ControllerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_READ_INCOMPLETE', message, options);
  }
}

/** A pagination cursor that this store did not issue (or that was altered). */
export class InvalidCursorError extends ControllerError {
  constructor(options?: { cause?: unknown }) {
    super('STORE_INVALID_CURSOR', 'The pagination cursor is not valid for this query.', options);
  }
}

/** An item read back from the table does not match its entity's schema (written by another version, or edited). */
export class StoreItemError extends ControllerError {
  constructor(item: Record<string, unknown>, problem: string, cause?: unknown) {
    super(
      'STORE_ITEM_INVALID',
      `The stored item ${String(item.PK)} / ${String(item.SK)} is not valid: ${problem}.`,
      cause === undefined ? undefined : { cause },
    );
  }
}

/** Other writers kept changing one target while a save retried; the save gave up and must be retried. */
export class StoreConflictError extends ControllerError {
  constructor(target: string, attempts: number) {
    super(
      'STORE_CONFLICT',
      `The findings of ${target} changed under ${attempts} attempts to save them; the reconcile must be retried.`,
    );
  }
}
