import type {
  ActionRecord,
  CentralCopies,
  FindingTransition,
  PolicyJobRecord,
  ResourceFinding,
  ResourceStatus,
  TargetChecks,
  Waiver,
} from '../domain/model.js';
import type { TargetRow } from './codecs.js';
import type { StoredActions } from './diff.js';

export type RunTrigger = 'schedule' | 'event' | 'cli';

/** One sweep (or event-driven / CLI reconcile) and what it found. */
export interface RunRecord {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly trigger: RunTrigger;
  /** How many targets the run fanned out to. */
  readonly targets: number;
  /** Findings by status: the targets' counts added while running, the organization's totals once finished. */
  readonly counts: Readonly<Record<ResourceStatus, number>>;
  /** The first errors (each at most a few hundred characters); `errorCount` says how many there were. */
  readonly errors: readonly string[];
  readonly errorCount: number;
  readonly actionsApplied: number;
  readonly actionsBlocked: number;
}

export interface Page<T> {
  readonly items: T[];
  /** Opaque; pass back as `cursor` for the next page. null: no more items. */
  readonly nextCursor: string | null;
}

export interface PageRequest {
  readonly limit?: number;
  readonly cursor?: string | null;
}

export interface TargetResult {
  readonly accountId: string;
  readonly region: string;
  /** Every finding of the target: a resource absent here is gone and its row is deleted. */
  readonly findings: readonly ResourceFinding[];
  readonly checks: TargetChecks['checks'];
  readonly actions: readonly ActionRecord[];
  readonly runId: string;
  readonly now: Date;
}

export interface SaveTargetOutcome {
  /** Status changes of resources and checks (first sight, change, GONE), in a stable order. */
  readonly transitions: FindingTransition[];
  /** Actions worth telling about: applied ones, and outstanding ones that are new or changed since last run. */
  readonly newActions: ActionRecord[];
  /** Finding rows put or deleted (0 when nothing about the target's resources changed). */
  readonly findingWrites: number;
  /** Every row written: findings, target row, transitions, actions. */
  readonly rowWrites: number;
  /** Another run had saved a newer observation of the target: only applied actions were recorded. */
  readonly stale: boolean;
}

/** The view of a resource the evaluator needs from the previous run. */
export interface HistoryEntry {
  readonly accountId: string;
  readonly region: string;
  readonly firstSeen: Date;
  readonly coveredSince: Date | null;
  readonly status: ResourceStatus;
  readonly since: Date;
  readonly lastPolicyJob?: PolicyJobRecord | null | undefined;
  readonly lastBackupTime: Date | null;
  readonly lastCopyTime: Date | null;
  readonly waiver?: Waiver | null;
}

export interface AccountView {
  readonly accountId: string;
  findings: ResourceFinding[];
  readonly targets: TargetChecks[];
  /** Planned actions not applied yet (audit mode, blocked, or failed). */
  readonly outstandingActions: ActionRecord[];
}

export interface FindingQuery extends PageRequest {
  readonly accountId?: string;
  readonly region?: string;
  readonly status?: ResourceStatus;
  readonly resourceType?: string;
  /** Only findings carrying this reason code. */
  readonly reason?: string;
  /** Only findings carrying this warning code. */
  readonly warning?: string;
}

/** What is stored for one account × Region, read once per reconcile (see FindingsStore.loadTarget). */
export interface TargetSnapshot {
  readonly accountId: string;
  readonly region: string;
  readonly history: ReadonlyMap<string, HistoryEntry>;
  readonly findings: ReadonlyMap<string, ResourceFinding>;
  readonly target: TargetRow | null;
  /** Planned-but-unapplied actions by sort key, diffed by the next save. */
  readonly outstandingActions: StoredActions;
  /** The target's copies in the central vault, as the last sweep's org phase read it; absent before any. */
  readonly centralCopies?: CentralCopies;
}

/** Where an account sits in the organization, for coverage by OU. */
export interface AccountDirectoryEntry {
  readonly accountId: string;
  readonly name: string;
  /** Slash path of OU names from the root (`/Workloads/Prod`); `/` for an account directly under the root. */
  readonly ouPath: string;
}

/** A target row as the report shows it: its bookkeeping for concurrent saves left out. */
export type TargetView = Omit<TargetRow, 'statuses' | 'version'>;
