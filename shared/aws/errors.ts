import { ControllerError } from '../domain/errors.js';

export type AwsErrorCategory =
  | 'throttling'
  | 'transient'
  | 'access-denied'
  | 'not-found'
  | 'already-exists'
  | 'conflict'
  | 'invalid'
  | 'quota'
  | 'unknown';

export interface AwsErrorClassification {
  readonly category: AwsErrorCategory;
  /** Worth trying again later (the SDK already retried throttling and transient errors). */
  readonly retryable: boolean;
  /** The AWS error name (shape name), or the controller error code. */
  readonly code: string;
  readonly message: string;
}

/**
 * Error names by category. Names, not `instanceof`: two copies of a client package in one bundle break
 * `instanceof`, and STS's trust-policy denial is unmodeled (`AccessDenied`).
 */
const CATEGORY_BY_NAME: Readonly<Record<string, AwsErrorCategory>> = {
  // Throttling: the SDK's own throttling set, minus LimitExceededException (see below).
  TooManyRequestsException: 'throttling',
  ThrottlingException: 'throttling',
  ThrottledException: 'throttling',
  Throttling: 'throttling',
  RequestLimitExceeded: 'throttling',
  RequestThrottled: 'throttling',
  RequestThrottledException: 'throttling',
  SlowDown: 'throttling',
  ProvisionedThroughputExceededException: 'throttling',
  BandwidthLimitExceeded: 'throttling',
  PriorRequestNotComplete: 'throttling',
  TransactionInProgressException: 'throttling',
  EC2ThrottledException: 'throttling',
  // Server-side and network faults.
  ServiceUnavailableException: 'transient',
  ServiceUnavailable: 'transient',
  InternalServiceException: 'transient',
  InternalFailure: 'transient',
  InternalServerError: 'transient',
  InternalServerException: 'transient',
  ServiceException: 'transient',
  ServiceFailureException: 'transient',
  KMSInternalException: 'transient',
  DependencyFailureException: 'transient',
  DependencyTimeoutException: 'transient',
  TimeoutError: 'transient',
  RequestTimeout: 'transient',
  RequestTimeoutException: 'transient',
  /** Tagging tokens live 15 minutes; restarting the listing succeeds. */
  PaginationTokenExpiredException: 'transient',
  // Identity and authorization.
  AccessDenied: 'access-denied',
  AccessDeniedException: 'access-denied',
  AccessDeniedForDependencyException: 'access-denied',
  UnauthorizedOperation: 'access-denied',
  UnrecognizedClientException: 'access-denied',
  InvalidClientTokenId: 'access-denied',
  ExpiredToken: 'access-denied',
  ExpiredTokenException: 'access-denied',
  RegionDisabledException: 'access-denied',
  CredentialsProviderError: 'access-denied',
  MemberCredentialsError: 'access-denied',
  // Absent things.
  ResourceNotFoundException: 'not-found',
  NoSuchEntityException: 'not-found',
  NotFoundException: 'not-found',
  PolicyNotFoundException: 'not-found',
  PolicyNotAttachedException: 'not-found',
  TargetNotFoundException: 'not-found',
  RootNotFoundException: 'not-found',
  EffectivePolicyNotFoundException: 'not-found',
  AccountNotFoundException: 'not-found',
  OrganizationalUnitNotFoundException: 'not-found',
  ParentNotFoundException: 'not-found',
  ChildNotFoundException: 'not-found',
  NoSuchBucket: 'not-found',
  ServerSideEncryptionConfigurationNotFoundError: 'not-found',
  // Already there (idempotent creates).
  AlreadyExistsException: 'already-exists',
  EntityAlreadyExistsException: 'already-exists',
  DuplicatePolicyException: 'already-exists',
  DuplicatePolicyAttachmentException: 'already-exists',
  PolicyTypeAlreadyEnabledException: 'already-exists',
  AccountAlreadyRegisteredException: 'already-exists',
  // Someone else is changing the same thing right now; the SDK does not retry these.
  ConcurrentModificationException: 'conflict',
  PolicyChangesInProgressException: 'conflict',
  ConflictException: 'conflict',
  // Requests that cannot succeed as sent, or preconditions that are not met.
  InvalidParameterValueException: 'invalid',
  InvalidParameterException: 'invalid',
  InvalidInputException: 'invalid',
  MissingParameterValueException: 'invalid',
  InvalidRequestException: 'invalid',
  InvalidResourceStateException: 'invalid',
  ValidationException: 'invalid',
  ValidationError: 'invalid',
  MalformedPolicyDocumentException: 'invalid',
  PackedPolicyTooLargeException: 'invalid',
  InvalidArnException: 'invalid',
  InvalidAliasNameException: 'invalid',
  KMSInvalidStateException: 'invalid',
  DisabledException: 'invalid',
  PolicyTypeNotEnabledException: 'invalid',
  PolicyTypeNotAvailableForOrganizationException: 'invalid',
  AWSOrganizationsNotInUseException: 'invalid',
  UnsupportedAPIEndpointException: 'invalid',
  /**
   * The SDK retries LimitExceededException as throttling, so one that reaches us has
   * outlived the backoff: Backup and IAM use it for quotas (300 vaults, roles per account).
   */
  LimitExceededException: 'quota',
  ServiceQuotaExceededException: 'quota',
};

const NETWORK_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);
const RETRYABLE_CATEGORIES = new Set<AwsErrorCategory>(['throttling', 'transient', 'conflict']);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  Reason?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function classifyAwsError(err: unknown): AwsErrorClassification {
  if (err instanceof AwsCallError) return err.classification;
  const shape: ErrorShape = typeof err === 'object' && err !== null ? (err as ErrorShape) : {};
  const name = typeof shape.name === 'string' && shape.name !== 'Error' ? shape.name : undefined;
  const message = typeof shape.message === 'string' ? shape.message : String(err);
  const code =
    err instanceof ControllerError
      ? err.code
      : (name ?? (typeof shape.code === 'string' ? shape.code : 'UnknownError'));
  const category = categorize(name, shape);
  return { category, retryable: RETRYABLE_CATEGORIES.has(category), code, message };
}

function categorize(name: string | undefined, shape: ErrorShape): AwsErrorCategory {
  if (name === 'ConstraintViolationException') {
    // Organizations reports both quotas (…_LIMIT_EXCEEDED) and unmet preconditions under this one name.
    return typeof shape.Reason === 'string' && shape.Reason.includes('LIMIT_EXCEEDED') ? 'quota' : 'invalid';
  }
  const known = name === undefined ? undefined : CATEGORY_BY_NAME[name];
  if (known) return known;
  if (typeof shape.code === 'string' && NETWORK_ERROR_CODES.has(shape.code)) return 'transient';
  const status = shape.$metadata?.httpStatusCode;
  if (shape.$fault === 'server' || (typeof status === 'number' && status >= 500)) return 'transient';
  return 'unknown';
}

/**
 * AssumeRole into a member account failed (role missing, trust denied, Region disabled…). Wrapping the STS
 * error tells observers that the *account* is unreachable, as opposed to one service call being denied.
 */
export class MemberCredentialsError extends ControllerError {
  readonly accountId: string;

  constructor(accountId: string, roleArn: string, cause: unknown) {
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super('ACCOUNT_UNREACHABLE', `Cannot assume ${roleArn} in account ${accountId} (${why})`, { cause });
    this.accountId = accountId;
  }
}

/** True when the failure is about reaching the account at all, not about one call inside it. */
export function isAccountUnreachable(err: unknown): boolean {
  const root = err instanceof AwsCallError ? err.cause : err;
  return root instanceof MemberCredentialsError || (root instanceof Error && root.name === 'AccessDenied');
}

/**
 * True when the failure is throttling or a transient service error that outlasted the SDK's retries:
 * the same read is worth trying again in a moment, and the account is not unreachable because of it.
 */
export function isTransientFailure(err: unknown): boolean {
  if (err instanceof AwsCallError) return err.classification.retryable;
  if (err instanceof MemberCredentialsError) return classifyAwsError(err.cause).retryable;
  return classifyAwsError(err).retryable;
}

/** A failed AWS call with where it happened; `code` is the AWS error name. */
export class AwsCallError extends ControllerError {
  readonly operation: string;
  readonly accountId: string;
  readonly region: string;
  readonly classification: AwsErrorClassification;

  constructor(where: AwsCallSite, cause: unknown) {
    const classification = classifyAwsError(cause);
    super(
      classification.code,
      `${where.operation} in ${where.accountId}/${where.region} failed: ${classification.code}: ${classification.message}`,
      { cause },
    );
    this.operation = where.operation;
    this.accountId = where.accountId;
    this.region = where.region;
    this.classification = classification;
  }
}

export interface AwsCallSite {
  readonly operation: string;
  readonly accountId: string;
  readonly region: string;
}

/** Runs one AWS call and rethrows its failure as an AwsCallError naming the call site. */
export async function atCallSite<T>(where: AwsCallSite, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof AwsCallError ? error : new AwsCallError(where, error);
  }
}

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ConflictRetryOptions {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly sleep: Sleep;
}

/**
 * Retries ConcurrentModification / PolicyChangesInProgress / Conflict, which the SDK does not retry
 * with exponential backoff. Other failures propagate at once.
 */
export async function withConflictRetry<T>(fn: () => Promise<T>, options: ConflictRetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= options.attempts || classifyAwsError(error).category !== 'conflict') throw error;
      await options.sleep(options.baseDelayMs * 2 ** (attempt - 1));
    }
  }
}
