import { BackupClient } from '@aws-sdk/client-backup';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
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
/** Refresh shortly before expiry, the same margin the SDK uses for its own identity cache. */
const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60 * 1000;

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
 * retry state and identity caches live as long as the process. Member accounts are reached through
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
  /** Per service (its name, or its client class), per `account|Region`. */
  private readonly clients = new Map<unknown, Map<string, unknown>>();
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
    this.dailyReads = new DailyReadCache();
  }

  backup(accountId: string, region: string): BackupClient {
    return this.client('backup', accountId, region, (config) => new BackupClient(config));
  }

  /** Organizations from the management account unless another account asks about itself. */
  organizations(accountId: string = this.managementAccountId): OrganizationsClient {
    return this.client(
      'organizations',
      accountId,
      ORGANIZATIONS_REGION,
      (config) => new OrganizationsClient(config),
    );
  }

  tagging(accountId: string, region: string): ResourceGroupsTaggingAPIClient {
    return this.client('tagging', accountId, region, (config) => new ResourceGroupsTaggingAPIClient(config));
  }

  /** IAM is account-global; any Region of the partition resolves to its global endpoint. */
  iam(accountId: string): IAMClient {
    return this.client('iam', accountId, this.homeRegion, (config) => new IAMClient(config));
  }

  kms(accountId: string, region: string): KMSClient {
    return this.client('kms', accountId, region, (config) => new KMSClient(config));
  }

  eventBridge(accountId: string, region: string): EventBridgeClient {
    return this.client('events', accountId, region, (config) => new EventBridgeClient(config));
  }

  sts(region: string = this.homeRegion): STSClient {
    return this.client('sts', this.managementAccountId, region, (config) => new STSClient(config));
  }

  sns(region: string = this.homeRegion): SNSClient {
    return this.client('sns', this.managementAccountId, region, (config) => new SNSClient(config));
  }

  secretsManager(region: string = this.homeRegion): SecretsManagerClient {
    return this.client(
      'secrets',
      this.managementAccountId,
      region,
      (config) => new SecretsManagerClient(config),
    );
  }

  memberRoleArn(accountId: string): string {
    return `arn:aws:iam::${accountId}:role/${this.memberRoleName}`;
  }

  /**
   * A client of a service only some paths use (EC2, RDS, FSx, S3, CloudTrail, Account Management): the
   * module that calls the service passes its client class, so the service's SDK package is part of that
   * module and is loaded only when a path reaches it, never with the factory. Cached and configured like
   * the factory's own clients.
   */
  clientOf<T extends PluggableClient>(
    Service: new (config: ClientConfigBase) => T,
    accountId: string,
    region: string,
  ): T {
    return this.client(Service, accountId, region, (config) => new Service(config));
  }

  private client<T extends PluggableClient>(
    service: string | (abstract new (config: ClientConfigBase) => T),
    accountId: string,
    region: string,
    create: (config: ClientConfigBase) => T,
  ): T {
    let perService = this.clients.get(service);
    if (!perService) {
      perService = new Map();
      this.clients.set(service, perService);
    }
    const key = `${accountId}|${region}`;
    const cached = perService.get(key);
    if (cached) return cached as T;
    const config: ClientConfigBase = {
      region,
      maxAttempts: this.maxAttempts,
      ...(this.retryDelayMs
        ? { retryStrategy: new ConfiguredRetryStrategy(this.maxAttempts, this.retryDelayMs) }
        : { retryMode: this.retryMode }),
      ...this.credentialsFor(accountId),
    };
    const client = create(config);
    for (const plugin of this.plugins) client.middlewareStack.use(plugin);
    perService.set(key, client);
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
    const assumeRole = fromTemporaryCredentials({
      params: {
        RoleArn: roleArn,
        RoleSessionName: this.sessionName,
        DurationSeconds: MEMBER_SESSION_SECONDS,
      },
      clientConfig: { region: this.homeRegion, maxAttempts: this.maxAttempts },
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
