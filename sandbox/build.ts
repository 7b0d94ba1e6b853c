import { efsAutomaticBackupPlan, teamPlan } from './local-plans.js';
import { parentIdForPath } from './organization.js';
import { DEFAULT_ENABLED_REGIONS } from './regions.js';
import { stableId } from './rng.js';
import { newRole, ORGANIZATION_ACCESS_ROLE } from './services/iam.js';
import { type SimAccount, type SimKey, type SimOrganizationState, SimState, type SimVault } from './state.js';
import { newResource } from './timeline.js';
import type { World, WorldAccount, WorldOu, WorldRegion } from './world.js';

/** Turns a validated world into the initial simulated state. Ids derive from names, so they are stable. */

const DAY_MS = 86_400_000;
const BACKUP_TRUST_SERVICE = 'backup.amazonaws.com';
/**
 * What a pre-existing backup role named only by a string carries: AWS Backup's managed policies for backups
 * and restores, S3 included (https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html).
 */
const STANDARD_BACKUP_ROLE_POLICIES = [
  'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
  'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores',
  'arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup',
  'arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore',
];

export function buildState(world: World, seed: number | string): SimState {
  const start = new Date(world.start);
  const management = world.managementAccountId;
  const orgId = world.organizationId ?? `o-${stableId(`${seed}:${management}`, 10)}`;
  const rootId = `r-${stableId(orgId, 4)}`;
  const organization: SimOrganizationState = {
    id: orgId,
    arn: `arn:aws:organizations::${management}:organization/${orgId}`,
    rootId,
    managementAccountId: management,
    ous: new Map(),
    accounts: new Map(),
    policies: new Map(),
    attachments: [],
    attachmentSequence: 0,
    backupPolicyType: world.backupPolicyType,
    crossAccountBackupEnabled: world.crossAccountBackupEnabled,
    legacyRdsCopyLimit: world.legacyRdsCopyLimit,
    organizationTrail: world.organizationTrail,
    trustedAccess: new Set(world.trustedAccess),
    globalSettingsUpdatedAt: start,
    policyRevision: 0,
    policyChangedAt: start,
  };
  const state = new SimState({
    start,
    seed,
    organization,
    memberRoleName: world.memberRoleName,
    centralBusArn: world.centralBusArn,
  });
  for (const id of world.organization.accounts) addAccount(state, id, rootId, world.accounts[id], undefined);
  const addOus = (ous: readonly WorldOu[], parentId: string, parentPath: string) => {
    for (const ou of ous) {
      const path = `${parentPath}/${ou.name}`;
      const id = `ou-${rootId.slice(2)}-${stableId(path, 8)}`;
      organization.ous.set(id, {
        id,
        arn: `arn:aws:organizations::${management}:ou/${orgId}/${id}`,
        name: ou.name,
        parentId,
      });
      for (const accountId of ou.accounts ?? [])
        addAccount(state, accountId, id, world.accounts[accountId], undefined);
      addOus(ou.ous ?? [], id, path);
    }
  };
  addOus(world.organization.ous, rootId, '');
  for (const policy of world.policies) {
    const id = `p-${stableId(`policy:${policy.name}`, 8)}`;
    organization.policies.set(id, {
      id,
      arn: `arn:aws:organizations::${management}:policy/${orgId}/backup_policy/${id}`,
      name: policy.name,
      description: policy.description,
      content: typeof policy.content === 'string' ? policy.content : JSON.stringify(policy.content),
      tags: new Map(Object.entries(policy.tags)),
    });
    for (const target of policy.attachedTo) {
      const targetId =
        target === 'root'
          ? rootId
          : target.startsWith('/')
            ? (parentIdForPath(state, target) ?? target)
            : target;
      organization.attachments.push({ policyId: id, targetId, sequence: ++organization.attachmentSequence });
    }
  }
  for (const [name, value] of Object.entries(world.secrets)) state.secrets.set(name, value);
  return state;
}

/** Adds an account (initial world or a timeline createAccount) with its roles and Regions. */
export function addAccount(
  state: SimState,
  id: string,
  parentId: string,
  spec: WorldAccount | undefined,
  name: string | undefined,
): void {
  const accountName =
    name ?? spec?.name ?? (id === state.organization.managementAccountId ? 'management' : `account-${id}`);
  const account: SimAccount = {
    id,
    name: accountName,
    email: spec?.email ?? `${accountName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.com`,
    parentId,
    joinedTimestamp: state.now,
    joinedMethod:
      id === state.organization.managementAccountId ? 'INVITED' : (spec?.joinedMethod ?? 'CREATED'),
    memberRole: spec?.memberRole ?? true,
    baselineDrift: {
      backupRole: !(spec?.baseline.backupRole ?? true),
      eventForwarding: !(spec?.baseline.eventForwarding ?? true),
    },
    roles: new Map(),
    regions: new Map(),
    enabledRegions: new Set(
      spec?.enabledRegions ?? [...DEFAULT_ENABLED_REGIONS, ...Object.keys(spec?.regions ?? {})],
    ),
    deniedRegions: new Set(spec?.deniedRegions ?? []),
    serviceLinkedRole: spec?.serviceLinkedRole ?? true,
  };
  state.organization.accounts.set(id, account);
  for (const role of spec?.roles ?? []) {
    const roleName = typeof role === 'string' ? role : role.name;
    const services = typeof role === 'string' ? [BACKUP_TRUST_SERVICE] : role.trustedServices;
    const created = newRole(id, roleName, trustPolicyFor(services), state.now);
    created.managedPolicyArns.push(
      ...(typeof role === 'string' ? STANDARD_BACKUP_ROLE_POLICIES : role.managedPolicyArns),
    );
    account.roles.set(roleName, created);
  }
  if (account.joinedMethod === 'CREATED' && !account.roles.has(ORGANIZATION_ACCESS_ROLE)) {
    const accessRole = newRole(
      id,
      ORGANIZATION_ACCESS_ROLE,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${state.organization.managementAccountId}:root` },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
      state.now,
    );
    accessRole.managedPolicyArns.push('arn:aws:iam::aws:policy/AdministratorAccess');
    account.roles.set(ORGANIZATION_ACCESS_ROLE, accessRole);
  }
  for (const [region, regionSpec] of Object.entries(spec?.regions ?? {}))
    addRegion(state, id, region, regionSpec);
}

function addRegion(state: SimState, accountId: string, region: string, spec: WorldRegion): void {
  const regionState = state.region(accountId, region);
  regionState.lifecycleDeletes = spec.lifecycleDeletes;
  for (const [type, value] of Object.entries(spec.optIn)) regionState.optIn.set(type, value);
  for (const [type, value] of Object.entries(spec.managementPreference)) {
    regionState.managementPreference.set(type, value);
  }
  for (const keySpec of spec.keys) {
    const keyId = keySpec.arn.split('/').pop() ?? keySpec.arn;
    const key: SimKey = {
      keyId,
      arn: keySpec.arn,
      accountId,
      region,
      state: keySpec.state,
      manager: keySpec.manager,
      allowsBackupRole: keySpec.allowsBackupRole,
      creationDate: state.now,
      deletionDate:
        keySpec.state === 'PendingDeletion' ? new Date(state.now.getTime() + 30 * DAY_MS) : undefined,
      grants: keySpec.grantees.map((grantee, index) => ({
        grantId: stableId(`${keySpec.arn}:${grantee}`, 64),
        grantToken: `token-${index}`,
        granteePrincipal: grantee,
        operations: [
          'CreateGrant',
          'Decrypt',
          'DescribeKey',
          'Encrypt',
          'GenerateDataKey',
          'ReEncryptFrom',
          'ReEncryptTo',
        ],
        creationDate: state.now,
      })),
    };
    regionState.keys.set(keyId, key);
    for (const alias of keySpec.aliases) regionState.aliases.set(alias, keyId);
  }
  const awsBackupKey = regionState.aliases.get('alias/aws/backup');
  for (const vaultSpec of spec.vaults) {
    const defaultKeyArn = regionState.keys.get(awsBackupKey ?? '')?.arn ?? '';
    const keyArn = vaultSpec.kmsKeyArn ?? defaultKeyArn;
    const lock = vaultSpec.lock;
    const vault: SimVault = {
      name: vaultSpec.name,
      arn: `arn:aws:backup:${region}:${accountId}:backup-vault:${vaultSpec.name}`,
      accountId,
      region,
      encryptionKeyArn: keyArn,
      encryptionKeyType: keyArn === defaultKeyArn ? 'AWS_OWNED_KMS_KEY' : 'CUSTOMER_MANAGED_KMS_KEY',
      creationDate: state.now,
      lock: lock && {
        minRetentionDays: lock.minRetentionDays,
        maxRetentionDays: lock.maxRetentionDays,
        lockDate: lock.lockDate
          ? new Date(lock.lockDate)
          : lock.changeableForDays
            ? new Date(state.now.getTime() + lock.changeableForDays * DAY_MS)
            : undefined,
      },
      accessPolicy:
        vaultSpec.accessPolicy === undefined
          ? undefined
          : typeof vaultSpec.accessPolicy === 'string'
            ? vaultSpec.accessPolicy
            : JSON.stringify(vaultSpec.accessPolicy),
      recoveryPoints: [],
    };
    regionState.vaults.set(vault.name, vault);
  }
  regionState.defaultVpc = spec.defaultVpc;
  for (const resource of spec.resources) {
    state.resources.set(resource.arn, {
      ...newResource(
        resource.arn,
        accountId,
        region,
        resource.tags,
        resource.kmsKeyArn,
        resource.resourceType,
        {
          ...(resource.versioning === undefined ? {} : { versioning: resource.versioning }),
          ...(resource.fileSystemType === undefined ? {} : { fileSystemType: resource.fileSystemType }),
        },
      ),
      ...(resource.restorable === false ? { restorable: false } : {}),
    });
  }
  for (const plan of spec.plans) regionState.localPlans.push(teamPlan(plan, accountId, region));
  const efsAutomatic = spec.resources.filter((resource) => resource.efsAutomaticBackup).map((r) => r.arn);
  if (efsAutomatic.length > 0)
    regionState.localPlans.push(efsAutomaticBackupPlan(state, regionState, efsAutomatic));
  for (const rule of spec.eventRules) {
    regionState.eventRules.set(rule.name, {
      name: rule.name,
      arn: `arn:aws:events:${region}:${accountId}:rule/${rule.name}`,
      eventPattern:
        typeof rule.eventPattern === 'string' ? rule.eventPattern : JSON.stringify(rule.eventPattern),
      state: rule.state,
      targets: new Map(rule.targets.map((t) => [t.id, { Id: t.id, Arn: t.arn, RoleArn: t.roleArn }])),
    });
  }
}

function trustPolicyFor(services: readonly string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: services.length === 1 ? services[0] : services },
        Action: 'sts:AssumeRole',
      },
    ],
  });
}
