import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Pluggable } from '@smithy/types';
import type { Clock } from '../domain/model.js';
import { DailyReadCache } from './daily-reads.js';
import { MemberCredentialsError } from './errors.js';

/**
 * The Organizations endpoint is pinned to us-east-1 in the commercial partition
 * (https://docs.aws.amazon.com/general/latest/gr/ao.html).
 */
export const ORGANIZATIONS_REGION = 'us-east-1';
/**
 * Role chaining from Lambda caps sessions at one hour
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html).
 */
const MEMBER_SESSION_SECONDS = 3600;
/**
 * Attempts of a member account's AssumeRole, more than other calls get: every container of a sweep sends
 * its AssumeRoles to the management account's STS endpoint in the home Region, whose throttling limit they
 * all share (each regional STS endpoint has its own,
 * https://repost.aws/knowledge-center/iam-sts-throttling-error), and one that runs out of attempts loses
 * every target of that account in the invocation. With the standard backoff (capped at 20 s) the tenth
 * attempt comes after about 45 s on average, well within the reconcile function's timeout.
 */
const ASSUME_ROLE_MAX_ATTEMPTS = 10;
/** Refresh shortly before expiry, the same margin the SDK uses for its own identity cache. */
const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60 * 1000;
/**
 * Clients kept per process. One SDK client holds about 20 KB of resolved config and middleware, and a warm
 * reconcile container meets new accounts × Regions on every sweep: unbounded, 5,000 accounts × 6 Regions ×
 * 9 services would outgrow the function's memory. 4,096 is far above what one invocation uses at a time.
 */
const DEFAULT_MAX_CACHED_CLIENTS = 4096;

/**
 * A standard SDK plugin that works on a client of any service. The SDK's own `clientPlugins` option is
 * typed `Pluggable<any, any>[]` for the same reason: each service has its own input and output unions.
 */
// biome-ignore lint/suspicious/noExplicitAny: one plugin list is applied to clients of every service.
export type SdkPlugin = Pluggable<any, any>;

export interface ClientFactoryOptions {
  readonly managementAccountId: string;
  /** Role the controller assumes in every member account. */
  readonly memberRoleName: string;
  /** Region the controller runs in: its STS calls and account-global services (IAM) use it. */
  readonly homeRegion: string;
  /** Standard SDK plugins applied to every client, including the STS client behind AssumeRole (sandbox). */
  readonly plugins?: readonly SdkPlugin[];
  readonly maxAttempts?: number;
  /**
   * Adaptive by default: clients are cached per account × Region, so the client-side rate limiter tracks
   * one throttled endpoint instead of coupling unrelated accounts.
   */
  readonly retryMode?: 'standard' | 'adaptive';
  readonly sessionName?: string;
  /** Management-account credentials; the SDK default chain when absent. */
  readonly credentials?: AwsCredentialIdentityProvider;
  /**
   * Delay before each retry (ms by attempt number) instead of the SDK's exponential backoff: a simulation
   * passes one that spends the backoff on its own clock and returns 0, so retries cost no wall time.
   * Retry decisions stay the SDK's.
   */
  readonly retryDelayMs?: (attempt: number) => number;
  /** Decides when assumed-role credentials need refreshing; the wall clock unless a simulation injects its own. */
  readonly clock?: Clock;
  /** Most clients kept at once; the least recently used is dropped beyond it. @default 4096 */
  readonly maxCachedClients?: number;
}

interface ClientConfigBase {
  region: string;
  credentials?: AwsCredentialIdentityProvider;
  maxAttempts: number;
  retryMode?: 'standard' | 'adaptive';
  retryStrategy?: ConfiguredRetryStrategy;
}

interface PluggableClient {
  middlewareStack: { use(pluggable: SdkPlugin): void };
}

/**
 * The one place that creates AWS SDK clients. Clients are cached per (service, account, Region) so SDK
 * retry state and identity caches outlive one invocation, up to `maxCachedClients` (least recently used
 * dropped first; a dropped account's credentials stay cached). Member accounts are reached through
 * AssumeRole; the management account uses its own credentials.
 *
 * AssumeRole volume: the SDK memoizes identities per client, so a raw `fromTemporaryCredentials` provider
 * shared by 6 services × N Regions would call STS 6N times per account and hour.
 * The factory therefore keeps ONE memoized provider per account, shared by all of that account's clients:
 * one AssumeRole per account per session, whatever the number of Regions and services.
 */
export class ClientFactory {
  readonly managementAccountId: string;
  readonly memberRoleName: string;
  readonly homeRegion: string;
  private readonly plugins: readonly SdkPlugin[];
  private readonly maxAttempts: number;
  private readonly retryMode: 'standard' | 'adaptive';
  private readonly sessionName: string;
  private readonly managementCredentials: AwsCredentialIdentityProvider | undefined;
  private readonly clock: Clock;
  private readonly retryDelayMs: ((attempt: number) => number) | undefined;
  /** Per service (its client class), per `account|Region`. */
  private readonly clients = new Map<unknown, Map<string, unknown>>();
  /** Every cached client with where it is kept, in order of last use (oldest first). */
  private readonly recency = new Map<
    unknown,
    { readonly perService: Map<string, unknown>; readonly key: string }
  >();
  private readonly maxCachedClients: number;
  private readonly memberCredentials = new Map<string, AwsCredentialIdentityProvider>();
  /** Per-resource reads kept for a day (bucket settings, key policies), as long as the process lives. */
  readonly dailyReads: DailyReadCache;

  constructor(options: ClientFactoryOptions) {
    this.managementAccountId = options.managementAccountId;
    this.memberRoleName = options.memberRoleName;
    this.homeRegion = options.homeRegion;
    this.plugins = options.plugins ?? [];
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryMode = options.retryMode ?? 'adaptive';
    this.sessionName = options.sessionName ?? 'org-backup-controller';
    this.managementCredentials = options.credentials;
    this.retryDelayMs = options.retryDelayMs;
    this.clock = options.clock ?? { now: () => new Date() };
    this.maxCachedClients = options.maxCachedClients ?? DEFAULT_MAX_CACHED_CLIENTS;
    this.dailyReads = new DailyReadCache();
  }

  memberRoleArn(accountId: string): string {
    return `arn:aws:iam::${accountId}:role/${this.memberRoleName}`;
  }

  /**
   * The client of `Service` for an account and Region, cached and configured like every other. The module
   * that calls a service passes its client class, so the service's SDK package is part of that module and
   * is loaded with the paths that reach it, never with the factory: each function loads the clients its
   * own paths use, and a service only rare paths call (EC2, IAM, SNS…) can be left to `import()`.
   */
  clientOf<T extends PluggableClient>(
    Service: new (config: ClientConfigBase) => T,
    accountId: string,
    region: string,
  ): T {
    let perService = this.clients.get(Service);
    if (!perService) {
      perService = new Map();
      this.clients.set(Service, perService);
    }
    const key = `${accountId}|${region}`;
    const cached = perService.get(key);
    if (cached) {
      this.recency.delete(cached);
      this.recency.set(cached, { perService, key });
      return cached as T;
    }
    const config: ClientConfigBase = {
      region,
      maxAttempts: this.maxAttempts,
      ...(this.retryDelayMs
        ? { retryStrategy: new ConfiguredRetryStrategy(this.maxAttempts, this.retryDelayMs) }
        : { retryMode: this.retryMode }),
      ...this.credentialsFor(accountId),
    };
    const client = new Service(config);
    for (const plugin of this.plugins) client.middlewareStack.use(plugin);
    perService.set(key, client);
    this.recency.set(client, { perService, key });
    if (this.recency.size > this.maxCachedClients) {
      // In-flight calls keep their client; it is only no longer handed out.
      const [oldest, place] = this.recency.entries().next().value ?? [];
      place?.perService.delete(place.key);
      this.recency.delete(oldest);
    }
    return client;
  }

  private credentialsFor(accountId: string): { credentials?: AwsCredentialIdentityProvider } {
    if (accountId === this.managementAccountId) {
      return this.managementCredentials ? { credentials: this.managementCredentials } : {};
    }
    let provider = this.memberCredentials.get(accountId);
    if (!provider) {
      provider = this.assumeRoleProvider(accountId);
      this.memberCredentials.set(accountId, provider);
    }
    return { credentials: provider };
  }

  private assumeRoleProvider(accountId: string): AwsCredentialIdentityProvider {
    const roleArn = this.memberRoleArn(accountId);
    const assumeRoleAttempts = Math.max(this.maxAttempts, ASSUME_ROLE_MAX_ATTEMPTS);
    const assumeRole = fromTemporaryCredentials({
      params: {
        RoleArn: roleArn,
        RoleSessionName: this.sessionName,
        DurationSeconds: MEMBER_SESSION_SECONDS,
      },
      clientConfig: {
        region: this.homeRegion,
        maxAttempts: assumeRoleAttempts,
        // AssumeRole's own retries wait like every other call's (a simulation's clock, not the wall).
        ...(this.retryDelayMs
          ? { retryStrategy: new ConfiguredRetryStrategy(assumeRoleAttempts, this.retryDelayMs) }
          : {}),
      },
      clientPlugins: [...this.plugins],
      ...(this.managementCredentials ? { masterCredentials: this.managementCredentials } : {}),
    });
    return sharedCredentialCache(this.clock, async (properties) => {
      try {
        return await assumeRole(properties);
      } catch (error) {
        throw new MemberCredentialsError(accountId, roleArn, error);
      }
    });
  }
}

/**
 * One in-flight or cached identity for every client of an account. Failures are not cached: the next
 * reconcile retries, so a role created in the meantime is picked up without a cold start.
 */
function sharedCredentialCache(
  clock: Clock,
  provider: AwsCredentialIdentityProvider,
): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  const isFresh = (identity: AwsCredentialIdentity): boolean =>
    identity.expiration === undefined ||
    identity.expiration.getTime() - clock.now().getTime() > CREDENTIAL_REFRESH_MARGIN_MS;

  return async (properties) => {
    if (current) {
      // Concurrent callers share the in-flight AssumeRole, its result and its failure.
      const pending = current;
      const identity = await pending;
      if (isFresh(identity)) return identity;
      if (current && current !== pending) return current;
    }
    const attempt = provider(properties);
    current = attempt;
    attempt.catch(() => {
      if (current === attempt) current = undefined;
    });
    return attempt;
  };
}
