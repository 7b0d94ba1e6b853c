import type { SimPlan } from './effective-policy.js';
import { Rng, stableId } from './rng.js';

/** The mutable state of the simulated organization. Services read and write it; nothing else is shared. */

export interface SimOu {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly parentId: string;
}

export interface SimRole {
  readonly name: string;
  readonly arn: string;
  readonly roleId: string;
  readonly createDate: Date;
  trustPolicy: string;
  readonly managedPolicyArns: string[];
  readonly inlinePolicies: Map<string, string>;
}

export interface SimAccount {
  readonly id: string;
  name: string;
  email: string;
  parentId: string;
  readonly joinedTimestamp: Date;
  readonly joinedMethod: 'INVITED' | 'CREATED';
  memberRole: boolean;
  /** Parts of the member baseline a world says were deleted here (true = missing); the execution role is `memberRole`. */
  readonly baselineDrift: { readonly backupRole: boolean; readonly eventForwarding: boolean };
  readonly roles: Map<string, SimRole>;
  readonly regions: Map<string, SimRegion>;
  /** Regions enabled in the account, as account:ListRegions reports them. */
  readonly enabledRegions: ReadonlySet<string>;
  /** Regions a Region-deny SCP closes to every principal of the account. */
  readonly deniedRegions: ReadonlySet<string>;
  /** AWS Backup's service-linked role AWSServiceRoleForBackup exists (it performs copies into the account). */
  serviceLinkedRole: boolean;
}

export interface SimResource {
  readonly arn: string;
  readonly accountId: string;
  /** The Region whose Tagging API returns it (an S3 bucket's home Region). */
  readonly region: string;
  /** AWS Backup resource type, or null when Backup cannot protect it. */
  readonly resourceType: string | null;
  tags: Record<string, string>;
  readonly kmsKeyArn?: string | undefined;
  /** false: restores of this resource's recovery points fail (the world plants a backup that does not restore). */
  readonly restorable?: boolean;
  /** S3 buckets: versioning on (AWS Backup needs it). */
  readonly versioning: boolean;
  /** FSx file systems: `ONTAP`, `WINDOWS`, `LUSTRE` or `OPENZFS`. */
  readonly fileSystemType?: string | undefined;
  everTagged: boolean;
  tagVersion: number;
  deleted: boolean;
  /** When it was deleted: the Tagging API keeps returning it for a while after. */
  deletedAt?: Date;
}

export interface SimLock {
  minRetentionDays?: number | undefined;
  maxRetentionDays?: number | undefined;
  /** Absent: governance mode (changeable forever). */
  lockDate?: Date | undefined;
}

export interface SimRecoveryPoint {
  readonly arn: string;
  readonly vaultName: string;
  readonly vaultArn: string;
  readonly resourceArn: string;
  readonly resourceType: string;
  readonly creationDate: Date;
  readonly completionDate: Date;
  readonly deleteAfterDays: number | null;
  readonly iamRoleArn: string;
  readonly encryptionKeyArn: string;
  readonly backupSizeInBytes: number;
  readonly backupPlanId?: string;
  readonly backupPlanName?: string;
  readonly sourceRecoveryPointArn?: string;
  /** A copy's: the vault it was copied from. */
  readonly sourceVaultArn?: string;
}

export interface SimVault {
  readonly name: string;
  readonly arn: string;
  readonly accountId: string;
  readonly region: string;
  readonly encryptionKeyArn: string;
  readonly encryptionKeyType: 'AWS_OWNED_KMS_KEY' | 'CUSTOMER_MANAGED_KMS_KEY';
  readonly creationDate: Date;
  readonly creatorRequestId?: string | undefined;
  lock?: SimLock | undefined;
  accessPolicy?: string | undefined;
  readonly recoveryPoints: SimRecoveryPoint[];
}

export interface SimGrant {
  readonly grantId: string;
  readonly grantToken: string;
  readonly name?: string | undefined;
  readonly granteePrincipal: string;
  readonly operations: string[];
  readonly creationDate: Date;
}

export interface SimKey {
  readonly keyId: string;
  readonly arn: string;
  readonly accountId: string;
  readonly region: string;
  state: 'Enabled' | 'Disabled' | 'PendingDeletion';
  readonly manager: 'AWS' | 'CUSTOMER';
  readonly creationDate: Date;
  deletionDate?: Date | undefined;
  readonly grants: SimGrant[];
  /** false: the key policy refuses the backup role, so only a grant lets the role use the key. */
  readonly allowsBackupRole: boolean;
}

export interface SimEventTarget {
  readonly Id: string;
  readonly Arn: string;
  readonly RoleArn?: string | undefined;
  readonly Input?: string | undefined;
  readonly InputPath?: string | undefined;
  readonly InputTransformer?: unknown;
}

export interface SimEventRule {
  readonly name: string;
  readonly arn: string;
  eventPattern: string;
  state: 'ENABLED' | 'DISABLED';
  description?: string | undefined;
  readonly targets: Map<string, SimEventTarget>;
}

export type BackupJobState = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'ABORTED' | 'EXPIRED';
export type CopyJobState = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface JobOrigin {
  readonly backupPlanId: string;
  readonly backupPlanArn: string;
  readonly backupPlanName: string;
  readonly backupPlanVersion: string;
  readonly backupRuleId: string;
  readonly backupRuleName: string;
  readonly backupRuleCron: string;
}

export interface SimBackupJob {
  readonly jobId: string;
  readonly accountId: string;
  readonly region: string;
  readonly resourceArn: string;
  readonly resourceType: string;
  readonly vaultName: string;
  readonly vaultArn: string;
  readonly iamRoleArn: string;
  /** Absent for on-demand backups, which no plan made. */
  readonly createdBy?: JobOrigin | undefined;
  /** `SUCCESS` on success; an AWS category such as `AccessDenied` otherwise (also "completed with issues"). */
  messageCategory?: string;
  readonly creationDate: Date;
  readonly startBy: Date;
  readonly expectedCompletionDate: Date;
  readonly deleteAfterDays: number | null;
  readonly copyActions: readonly CopyActionSpec[];
  state: BackupJobState;
  statusMessage?: string | undefined;
  completionDate?: Date;
  recoveryPointArn?: string;
  backupSizeInBytes: number;
  percentDone: number;
}

export interface CopyActionSpec {
  readonly destinationVaultArn: string;
  readonly deleteAfterDays: number | null;
}

export interface SimCopyJob {
  readonly jobId: string;
  readonly accountId: string;
  readonly region: string;
  readonly resourceArn: string;
  readonly resourceType: string;
  readonly sourceVaultArn: string;
  readonly sourceRecoveryPointArn: string;
  readonly destinationVaultArn: string;
  readonly deleteAfterDays: number | null;
  readonly iamRoleArn: string;
  /** Absent for on-demand backups, which no plan made. */
  readonly createdBy?: JobOrigin | undefined;
  readonly createdByBackupJobId: string;
  messageCategory?: string;
  readonly creationDate: Date;
  state: CopyJobState;
  statusMessage?: string | undefined;
  completionDate?: Date;
  destinationRecoveryPointArn?: string;
  readonly backupSizeInBytes: number;
}

export interface SimProtectedResource {
  readonly resourceArn: string;
  readonly resourceType: string;
  lastBackupTime: Date;
  lastBackupVaultArn: string;
  lastRecoveryPointArn: string;
}

export interface SimRegion {
  readonly accountId: string;
  readonly region: string;
  readonly vaults: Map<string, SimVault>;
  readonly keys: Map<string, SimKey>;
  readonly aliases: Map<string, string>;
  /** Overrides of the default opt-in table; unset types keep the default. */
  readonly optIn: Map<string, boolean>;
  readonly managementPreference: Map<string, boolean>;
  readonly protectedResources: Map<string, SimProtectedResource>;
  readonly backupJobs: SimBackupJob[];
  readonly copyJobs: SimCopyJob[];
  /** Rules on the Region's default event bus. */
  readonly eventRules: Map<string, SimEventRule>;
  /** Backup plans this account made itself in this Region (team plans, EFS automatic backups). */
  readonly localPlans: SimPlan[];
  /** false: the Region has no default VPC, so restores without a subnet override have nowhere to go. */
  defaultVpc: boolean;
  readonly restoreTestingPlans: Map<string, SimRestoreTestingPlan>;
  readonly restoreJobs: SimRestoreJob[];
  /** false: AWS Backup cannot delete recovery points past their retention here; they stay EXPIRED. */
  lifecycleDeletes: boolean;
}

export interface SimRestoreTestingSelection {
  readonly name: string;
  readonly resourceType: string;
  readonly iamRoleArn: string;
  readonly protectedResourceArns: readonly string[];
  readonly stringEquals: readonly { readonly key: string; readonly value: string }[];
  readonly metadataOverrides: Readonly<Record<string, string>>;
  readonly creationTime: Date;
}

export interface SimRestoreTestingPlan {
  readonly name: string;
  readonly arn: string;
  readonly schedule: string;
  readonly includeVaults: readonly string[];
  readonly windowDays: number;
  readonly creationTime: Date;
  lastExecutionTime?: Date;
  readonly selections: Map<string, SimRestoreTestingSelection>;
  /** Runs so far; each run restores the next candidate of every selection in turn. */
  runs: number;
}

export interface SimRestoreJob {
  readonly jobId: string;
  readonly accountId: string;
  readonly recoveryPointArn: string;
  readonly recoveryPointCreationDate: Date;
  readonly sourceResourceArn: string;
  readonly vaultArn: string;
  readonly resourceType: string;
  readonly iamRoleArn: string;
  readonly restoreTestingPlanArn: string;
  readonly creationDate: Date;
  status: 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED';
  statusMessage?: string;
  completionDate?: Date;
  createdResourceArn?: string;
}

export interface SimPolicy {
  readonly id: string;
  readonly arn: string;
  name: string;
  description: string;
  content: string;
  /** Tags on the policy (CreatePolicy's Tags, or the world's), by key. */
  readonly tags: Map<string, string>;
}

export interface SimAttachment {
  readonly policyId: string;
  readonly targetId: string;
  /** Attachment order matters for same-level precedence. */
  readonly sequence: number;
}

export interface SimOrganizationState {
  readonly id: string;
  readonly arn: string;
  readonly rootId: string;
  readonly managementAccountId: string;
  readonly ous: Map<string, SimOu>;
  readonly accounts: Map<string, SimAccount>;
  readonly policies: Map<string, SimPolicy>;
  attachments: SimAttachment[];
  attachmentSequence: number;
  backupPolicyType: 'ENABLED' | 'PENDING_ENABLE' | 'DISABLED';
  backupPolicyTypeReadyAt?: Date;
  crossAccountBackupEnabled: boolean;
  /** RDS-family copies that cross Regions and accounts at once fail, as they did before AWS lifted the limit. */
  readonly legacyRdsCopyLimit: boolean;
  /** A multi-Region organization trail exists in the management account. */
  readonly organizationTrail: boolean;
  /** Service principals with trusted access (ListAWSServiceAccessForOrganization). */
  readonly trustedAccess: Set<string>;
  globalSettingsUpdatedAt: Date;
  /** Bumped on every change that can alter an effective policy. */
  policyRevision: number;
  policyChangedAt: Date;
}

export interface EventBridgeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: Record<string, unknown>;
}

export interface SnsMessage {
  readonly at: Date;
  readonly fromAccount: string;
  readonly topicArn: string;
  readonly subject?: string | undefined;
  readonly message: string;
}

/** One message SNS or the Slack webhook accepted, as the sandbox report lists it. */
export interface SentNotification {
  readonly at: string;
  readonly channel: 'sns' | 'slack';
  /** From the message's `accountId` attribute (SNS) or header block id (Slack); null when organization-wide. */
  readonly accountId: string | null;
  readonly severity: string | null;
  readonly bytes: number;
  /** Slack only: the number of Block Kit blocks. */
  readonly blocks: number | null;
}

export const ORGANIZATIONS_REGION = 'us-east-1';

/** Services' shared, mutable world plus the clock and the seeded randomness. */
export class SimState {
  now: Date;
  /** Drives what the world does (job timing, ids). */
  readonly rng: Rng;
  /** Drives API-side choices (empty Organizations pages), so call patterns do not perturb the world. */
  readonly apiRng: Rng;
  readonly organization: SimOrganizationState;
  /** Resources by ARN (ARNs are globally unique). */
  readonly resources = new Map<string, SimResource>();
  readonly secrets = new Map<string, string>();
  readonly centralBus: SimEventBus;
  readonly snsMessages: SnsMessage[] = [];
  readonly notifications: SentNotification[] = [];
  /** Bodies the Slack incoming webhook accepted, as posted. */
  readonly slackPosts: { readonly at: Date; readonly body: string }[] = [];
  /** Posts the Slack webhook still answers with an error (tests of retries and redaction). */
  slackFailures: { status: number; retryAfterSeconds?: number }[] = [];
  readonly memberRoleName?: string | undefined;
  /** The execution role the deployed controller's member baseline creates (set when a controller is deployed). */
  deployedMemberRoleName?: string;
  private readonly counters = new Map<string, number>();

  constructor(options: {
    start: Date;
    seed: number | string;
    organization: SimOrganizationState;
    memberRoleName?: string | undefined;
    centralBusArn?: string | undefined;
  }) {
    this.now = options.start;
    this.rng = new Rng(options.seed);
    this.apiRng = new Rng(`${options.seed}:api`);
    this.organization = options.organization;
    this.memberRoleName = options.memberRoleName;
    this.centralBus = new SimEventBus(options.centralBusArn, options.organization.managementAccountId);
  }

  /** Unique, deterministic ids: a per-kind counter mixed with the seed. */
  nextId(kind: string, length: number): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return stableId(`${kind}:${n}:${this.rng.next()}`, length);
  }

  account(accountId: string): SimAccount | undefined {
    return this.organization.accounts.get(accountId);
  }

  /** The per-Region state of an account, created on first use (every Region exists in every account). */
  region(accountId: string, region: string): SimRegion {
    const account = this.account(accountId);
    if (!account) throw new Error(`sandbox: unknown account ${accountId}`);
    let state = account.regions.get(region);
    if (!state) {
      state = newRegionState(accountId, region);
      account.regions.set(region, state);
      ensureAwsManagedBackupKey(this, state);
    }
    return state;
  }

  policyChanged(): void {
    this.organization.policyRevision++;
    this.organization.policyChangedAt = this.now;
  }
}

export function newRegionState(accountId: string, region: string): SimRegion {
  return {
    localPlans: [],
    accountId,
    region,
    vaults: new Map(),
    keys: new Map(),
    aliases: new Map(),
    optIn: new Map(),
    managementPreference: new Map(),
    protectedResources: new Map(),
    backupJobs: [],
    copyJobs: [],
    eventRules: new Map(),
    defaultVpc: true,
    restoreTestingPlans: new Map(),
    restoreJobs: [],
    lifecycleDeletes: true,
  };
}

/** `aws/backup` exists as an AWS-managed key in every account and Region. */
export function ensureAwsManagedBackupKey(state: SimState, region: SimRegion): SimKey {
  const existing = region.aliases.get('alias/aws/backup');
  const found = existing ? region.keys.get(existing) : undefined;
  if (found) return found;
  const keyId = uuidFrom(`aws/backup:${region.accountId}:${region.region}`);
  const key: SimKey = {
    keyId,
    arn: `arn:aws:kms:${region.region}:${region.accountId}:key/${keyId}`,
    accountId: region.accountId,
    region: region.region,
    state: 'Enabled',
    manager: 'AWS',
    creationDate: state.now,
    grants: [],
    allowsBackupRole: true,
  };
  region.keys.set(keyId, key);
  region.aliases.set('alias/aws/backup', keyId);
  return key;
}

/** A UUID-shaped id derived only from `text`. */
export function uuidFrom(text: string): string {
  const h = stableId(text, 32).replace(/[g-z]/g, (c) => ((c.charCodeAt(0) - 103) % 16).toString(16));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The central event bus: what the controller's event handler would receive. */
export class SimEventBus {
  private readonly queue: EventBridgeEvent[] = [];
  private readonly listeners: ((event: EventBridgeEvent) => void)[] = [];

  constructor(
    readonly configuredArn: string | undefined,
    private readonly managementAccountId: string,
  ) {}

  /** A forwarding target counts as the central bus when it is that bus (or, unset, any bus in management). */
  isCentral(busArn: string): boolean {
    if (this.configuredArn) return busArn === this.configuredArn;
    return new RegExp(`^arn:aws:events:[a-z0-9-]+:${this.managementAccountId}:event-bus/`).test(busArn);
  }

  deliver(event: EventBridgeEvent): void {
    this.queue.push(event);
    for (const listener of this.listeners) listener(event);
  }

  onEvent(listener: (event: EventBridgeEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  drain(): EventBridgeEvent[] {
    return this.queue.splice(0, this.queue.length);
  }
}
