import type { ServiceName } from './sdk-errors.js';

/**
 * API rate limits for the sandbox's timed mode, as token buckets: each bucket holds up to `burst` tokens,
 * refills at `perSecond`, and a call that finds it empty is throttled with the service's own throttling
 * exception. Buckets are kept per account × Region × API, except Organizations, whose limits apply to the
 * whole organization. AWS publishes few per-API rates; each entry says where its number comes from.
 */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
  /** `account-region`: one bucket per calling account, Region and API; `organization`: one per API. */
  readonly scope: 'account-region' | 'organization';
  /** An AWS page stating the rate, or `assumed` with why. */
  readonly source: string;
}

const ASSUMED_UNPUBLISHED = 'assumed (AWS publishes no per-API rate for this service)';

/** The rate of each of a service's APIs (every API of a service gets its own bucket at this rate). */
export const SERVICE_RATE_LIMITS: Readonly<Record<ServiceName, RateLimit>> = {
  backup: { perSecond: 10, burst: 20, scope: 'account-region', source: ASSUMED_UNPUBLISHED },
  organizations: { perSecond: 10, burst: 20, scope: 'organization', source: ASSUMED_UNPUBLISHED },
  tag: { perSecond: 10, burst: 20, scope: 'account-region', source: ASSUMED_UNPUBLISHED },
  sts: { perSecond: 100, burst: 200, scope: 'account-region', source: 'assumed' },
  iam: { perSecond: 20, burst: 40, scope: 'account-region', source: 'assumed' },
  kms: { perSecond: 100, burst: 200, scope: 'account-region', source: 'assumed' },
  events: { perSecond: 50, burst: 100, scope: 'account-region', source: 'assumed' },
  sns: { perSecond: 100, burst: 200, scope: 'account-region', source: 'assumed' },
  secretsmanager: { perSecond: 50, burst: 100, scope: 'account-region', source: 'assumed' },
  cloudtrail: { perSecond: 5, burst: 10, scope: 'account-region', source: 'assumed' },
  ec2: {
    perSecond: 20,
    burst: 100,
    scope: 'account-region',
    source:
      'non-mutating actions: bucket 100, refill 20/s, https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html',
  },
  rds: { perSecond: 10, burst: 20, scope: 'account-region', source: 'assumed' },
  fsx: { perSecond: 10, burst: 20, scope: 'account-region', source: 'assumed' },
  s3: { perSecond: 100, burst: 200, scope: 'account-region', source: 'assumed' },
  account: { perSecond: 10, burst: 20, scope: 'account-region', source: 'assumed' },
};

/** A token bucket on a clock in milliseconds; it starts full. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    startMs: number,
  ) {
    this.tokens = burst;
    this.updatedAt = startMs;
  }

  /** Takes one token at `atMs` if there is one; a call that arrives out of order refills nothing. */
  take(atMs: number): boolean {
    if (atMs > this.updatedAt) {
      this.tokens = Math.min(this.burst, this.tokens + ((atMs - this.updatedAt) * this.perSecond) / 1000);
      this.updatedAt = atMs;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Every bucket of one simulated organization, with every rate multiplied by `scale` (0.5: half the rate). */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly scale = 1,
    /** `caller`: Organizations' buckets are kept per calling account too (AWS does not say which holds). */
    private readonly organizationsScope: 'organization' | 'caller' = 'organization',
  ) {}

  /** Whether a call may proceed at `atMs`; false means the service throttles it. */
  admit(
    service: ServiceName,
    operationKey: string,
    accountId: string,
    region: string,
    atMs: number,
  ): boolean {
    const limit = SERVICE_RATE_LIMITS[service];
    const organizationWide = limit.scope === 'organization' && this.organizationsScope === 'organization';
    const key = organizationWide ? operationKey : `${accountId}/${region}/${operationKey}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(limit.perSecond * this.scale, Math.max(1, limit.burst * this.scale), atMs);
      this.buckets.set(key, bucket);
    }
    return bucket.take(atMs);
  }
}
