import { ControllerError } from '../shared/domain/errors.js';
import type { EventRouter } from './events.js';
import type { JobEngine } from './jobs.js';
import { parentIdForPath, resolveTargetId } from './organization.js';
import { backupResourceType, parseArn } from './resource-types.js';
import { removeVault, removeVaultLock } from './services/backup.js';
import { attachPolicy, detachPolicy } from './services/organizations.js';
import type { EventBridgeEvent, SimResource, SimState } from './state.js';
import type { WorldAccount, WorldTimelineEntry } from './world.js';

/** Applies one world timeline entry at its simulated time, emitting the events AWS would emit. */

export class TimelineError extends ControllerError {
  constructor(path: string, message: string) {
    super('WORLD_TIMELINE', `${path}: ${message}`);
  }
}

export interface TimelineContext {
  readonly state: SimState;
  readonly events: EventRouter;
  readonly jobs: JobEngine;
  /** Adds an account described like a world-file account (shared with the initial build). */
  readonly addAccount: (
    id: string,
    parentId: string,
    spec: WorldAccount | undefined,
    name: string | undefined,
  ) => void;
  readonly skipped: SkippedTimelineEntry[];
  /** An account joined or moved (the deployed member baseline follows it). */
  readonly accountPlaced?: (accountId: string) => void;
}

const DAY_MS = 86_400_000;

/** A timeline action that finds nothing to act on (e.g. detaching a policy nobody attached) is skipped. */
class NothingToDo {
  constructor(readonly reason: string) {}
}

export interface SkippedTimelineEntry {
  readonly path: string;
  readonly at: string;
  readonly reason: string;
}

/**
 * World errors (unknown accounts, resources, OUs, policies) throw TimelineError. An action whose target
 * depends on what the controller did (a vault it should have created, a policy it should have attached) is
 * skipped and recorded when that target is not there, as an operator's attempt would change nothing.
 */
export function applyTimelineEntry(ctx: TimelineContext, entry: WorldTimelineEntry, path: string): void {
  try {
    applyEntry(ctx, entry, path);
  } catch (error) {
    if (!(error instanceof NothingToDo)) throw error;
    ctx.skipped.push({ path, at: entry.at, reason: error.reason });
  }
}

function applyEntry(ctx: TimelineContext, entry: WorldTimelineEntry, path: string): void {
  const { state, events } = ctx;
  const skip: (reason: string) => never = (reason) => {
    throw new NothingToDo(reason);
  };
  const operatorArn = (accountId: string) => `arn:aws:iam::${accountId}:user/sandbox-operator`;
  const reject: (message: string) => never = (message) => {
    throw new TimelineError(path, message);
  };
  const requireResource = (arn: string): SimResource => {
    const resource = state.resources.get(arn);
    if (!resource || resource.deleted) return reject(`no resource ${arn} exists at ${entry.at}`);
    return resource;
  };
  const requireVault = (account: string, region: string, name: string) => {
    if (!state.account(account)) reject(`unknown account ${account}`);
    const regionState = state.region(account, region);
    const vault = regionState.vaults.get(name);
    return vault ? { regionState, vault } : skip(`no vault ${name} in ${account}/${region}`);
  };

  if (entry.tag) {
    const resource = requireResource(entry.tag.arn);
    const changed = Object.keys(entry.tag.tags).filter((key) => resource.tags[key] !== entry.tag?.tags[key]);
    resource.tags = { ...resource.tags, ...entry.tag.tags };
    emitTagChange(ctx, resource, changed);
  } else if (entry.untag) {
    const resource = requireResource(entry.untag.arn);
    const changed = entry.untag.keys.filter((key) => key in resource.tags);
    resource.tags = Object.fromEntries(
      Object.entries(resource.tags).filter(([key]) => !changed.includes(key)),
    );
    emitTagChange(ctx, resource, changed);
  } else if (entry.createResource) {
    const spec = entry.createResource;
    if (!state.account(spec.account)) reject(`unknown account ${spec.account}`);
    if (state.resources.get(spec.arn)?.deleted === false) reject(`resource ${spec.arn} already exists`);
    const resource = newResource(
      spec.arn,
      spec.account,
      spec.region,
      spec.tags,
      spec.kmsKeyArn,
      spec.resourceType,
    );
    state.resources.set(spec.arn, resource);
    if (Object.keys(spec.tags).length > 0) emitTagChange(ctx, resource, Object.keys(spec.tags));
  } else if (entry.deleteResource) {
    const resource = requireResource(entry.deleteResource.arn);
    resource.deleted = true;
    resource.deletedAt = state.now;
  } else if (entry.onDemandBackup) {
    ctx.jobs.backUpNow(requireResource(entry.onDemandBackup.arn), entry.onDemandBackup.vault);
  } else if (entry.attachPolicy) {
    const targetId =
      resolveTargetId(state, entry.attachPolicy.target) ??
      reject(`unknown target ${entry.attachPolicy.target}`);
    const policy = [...state.organization.policies.values()].find(
      (p) => p.name === entry.attachPolicy?.policy,
    );
    if (!policy) reject(`unknown policy ${entry.attachPolicy.policy}`);
    attachPolicy(state, policy.id, targetId, (_name, message) => skip(message));
    events.emitOrganizationsCall(operatorArn(state.organization.managementAccountId), 'AttachPolicy', {
      policyId: policy.id,
      targetId,
    });
  } else if (entry.detachPolicy) {
    const targetId =
      resolveTargetId(state, entry.detachPolicy.target) ??
      reject(`unknown target ${entry.detachPolicy.target}`);
    const named = entry.detachPolicy.policy;
    const policyIds = state.organization.attachments
      .filter(
        (a) =>
          a.targetId === targetId &&
          (named === undefined || state.organization.policies.get(a.policyId)?.name === named),
      )
      .map((a) => a.policyId);
    if (policyIds.length === 0) skip(`no backup policy attached to ${entry.detachPolicy.target}`);
    for (const policyId of policyIds) {
      detachPolicy(state, policyId, targetId);
      events.emitOrganizationsCall(operatorArn(state.organization.managementAccountId), 'DetachPolicy', {
        policyId,
        targetId,
      });
    }
  } else if (entry.deleteVault) {
    const { account, region, name } = entry.deleteVault;
    const { regionState, vault } = requireVault(account, region, name);
    removeVault(events, regionState, vault, operatorArn(account));
  } else if (entry.deleteVaultLock) {
    const { account, region, name } = entry.deleteVaultLock;
    const { regionState, vault } = requireVault(account, region, name);
    if (!vault.lock) skip(`vault ${name} has no lock`);
    if (vault.lock?.lockDate && vault.lock.lockDate <= state.now)
      skip(`the lock on ${name} is immutable since ${vault.lock.lockDate.toISOString()}`);
    removeVaultLock(events, regionState, vault, operatorArn(account));
  } else if (entry.scheduleKeyDeletion) {
    const key =
      ctx.jobs.findKey(entry.scheduleKeyDeletion.arn) ?? reject(`no key ${entry.scheduleKeyDeletion.arn}`);
    key.state = 'PendingDeletion';
    key.deletionDate = new Date(state.now.getTime() + entry.scheduleKeyDeletion.pendingWindowInDays * DAY_MS);
  } else if (entry.createAccount) {
    const spec = entry.createAccount;
    const parentId = parentIdForPath(state, spec.ou) ?? reject(`unknown OU ${spec.ou}`);
    ctx.addAccount(spec.id, parentId, spec.account, spec.name);
    state.policyChanged();
    ctx.accountPlaced?.(spec.id);
    emitCreateAccountResult(ctx, spec.id);
  } else if (entry.moveAccount) {
    const account = state.account(entry.moveAccount.id) ?? reject(`unknown account ${entry.moveAccount.id}`);
    const destination =
      parentIdForPath(state, entry.moveAccount.to) ?? reject(`unknown OU ${entry.moveAccount.to}`);
    const source = account.parentId;
    account.parentId = destination;
    state.policyChanged();
    ctx.accountPlaced?.(account.id);
    events.emitOrganizationsCall(operatorArn(state.organization.managementAccountId), 'MoveAccount', {
      accountId: account.id,
      sourceParentId: source,
      destinationParentId: destination,
    });
  } else if (entry.deleteMemberRole) {
    // Someone deletes (or breaks the trust of) the controller's role: AssumeRole is denied from now on.
    const account =
      state.account(entry.deleteMemberRole.account) ??
      reject(`unknown account ${entry.deleteMemberRole.account}`);
    account.memberRole = false;
    for (const name of [state.memberRoleName, state.deployedMemberRoleName])
      if (name) account.roles.delete(name);
  } else if (entry.event) {
    state.centralBus.deliver(entry.event as unknown as EventBridgeEvent);
  }
}

export function newResource(
  arn: string,
  accountId: string,
  region: string,
  tags: Record<string, string>,
  kmsKeyArn: string | undefined,
  resourceType: string | undefined,
  settings: { readonly versioning?: boolean; readonly fileSystemType?: string } = {},
): SimResource {
  return {
    arn,
    accountId,
    region,
    resourceType: resourceType ?? backupResourceType(arn),
    tags: { ...tags },
    kmsKeyArn,
    versioning: settings.versioning ?? true,
    ...(settings.fileSystemType ? { fileSystemType: settings.fileSystemType } : {}),
    everTagged: Object.keys(tags).length > 0,
    tagVersion: Object.keys(tags).length > 0 ? 1 : 0,
    deleted: false,
  };
}

/** `aws.tag` Tag Change on Resource (docs/aws-behaviour.md#tag-change-event): all current tags, and the keys that changed. */
function emitTagChange(ctx: TimelineContext, resource: SimResource, changedKeys: string[]): void {
  if (changedKeys.length === 0) return;
  resource.everTagged = true;
  resource.tagVersion++;
  const parsed = parseArn(resource.arn);
  const [service = '', resourceType = ''] = (parsed?.taggingType ?? '').split(':');
  ctx.events.emit(resource.accountId, resource.region, {
    source: 'aws.tag',
    detailType: 'Tag Change on Resource',
    resources: [resource.arn],
    detail: {
      'changed-tag-keys': changedKeys,
      tags: { ...resource.tags },
      service,
      'resource-type': service === 's3' ? 'bucket' : resourceType,
      version: resource.tagVersion,
      'tag-policy-compliant': 'true',
      'version-timestamp': String(ctx.state.now.getTime()),
    },
  });
}

function emitCreateAccountResult(ctx: TimelineContext, accountId: string): void {
  const { state } = ctx;
  const management = state.organization.managementAccountId;
  const account = state.account(accountId);
  ctx.events.emitOnCentralBus(management, 'us-east-1', {
    source: 'aws.organizations',
    detailType: 'AWS Service Event via CloudTrail',
    detail: {
      eventVersion: '1.09',
      userIdentity: { accountId: management, invokedBy: 'organizations.amazonaws.com' },
      eventTime: state.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      eventSource: 'organizations.amazonaws.com',
      eventName: 'CreateAccountResult',
      awsRegion: 'us-east-1',
      eventType: 'AwsServiceEvent',
      managementEvent: true,
      recipientAccountId: management,
      serviceEventDetails: {
        createAccountStatus: {
          id: `car-${state.nextId('create-account', 32)}`,
          state: 'SUCCEEDED',
          accountName: account?.name ?? accountId,
          accountId,
          requestedTimestamp: state.now.toISOString(),
          completedTimestamp: state.now.toISOString(),
        },
      },
    },
  });
}
