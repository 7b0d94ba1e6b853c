import type { DesiredState, ObservedOrganization } from '../model.js';
import { resolveAttachTarget } from '../plan/plan-org.js';
import { trustedAwsPrincipals } from '../policy/trust-policy.js';
import type { ObservedReadiness, Readable } from './observed.js';

export type ReadinessStatus = 'PASS' | 'WARN' | 'FAIL';

/** One line of `orgbackup doctor`: what was checked, how it stands, and what to do about it. */
export interface ReadinessItem {
  readonly id: string;
  readonly status: ReadinessStatus;
  readonly message: string;
  /** Empty when the item passes. */
  readonly fix: string;
}

export interface ReadinessInput {
  readonly desired: DesiredState;
  readonly org: ObservedOrganization;
  readonly readiness: ObservedReadiness;
}

/** Organizations' limit on a policy document; the controller sends it minified. */
export const POLICY_CONTENT_LIMIT = 10_000;
/** Organizations' limit on backup policies attached directly to one root, OU or account. */
export const POLICIES_PER_TARGET_LIMIT = 10;
const BACKUP_SERVICE = 'backup.amazonaws.com';
const STACKSETS_SERVICE = 'member.org.stacksets.cloudformation.amazonaws.com';

const pass = (id: string, message: string): ReadinessItem => ({ id, status: 'PASS', message, fix: '' });
const item = (id: string, status: ReadinessStatus, message: string, fix: string): ReadinessItem => ({
  id,
  status,
  message,
  fix,
});
const unreadable = (id: string, what: string, read: Readable<unknown>): ReadinessItem | null =>
  read.ok
    ? null
    : item(
        id,
        'WARN',
        `Could not read ${what} (${read.error}).`,
        'Run the doctor with the management account.',
      );

/**
 * Is this organization ready for the controller? Each rule reads the observation and says PASS, WARN (works,
 * but something will be missing or at risk) or FAIL (the controller cannot do its job until it is fixed).
 */
export const READINESS_RULES: readonly ((input: ReadinessInput) => ReadinessItem[])[] = [
  function allFeatures({ readiness }) {
    const id = 'ALL_FEATURES';
    if (!readiness.featureSet.ok) return [unreadable(id, 'the organization', readiness.featureSet)!];
    return readiness.featureSet.value === 'ALL'
      ? [pass(id, 'The organization has all features enabled.')]
      : [
          item(
            id,
            'FAIL',
            `The organization's feature set is ${readiness.featureSet.value}: backup policies need all features.`,
            'Enable all features in AWS Organizations (every member account must approve).',
          ),
        ];
  },

  function backupPolicyType({ desired, org }) {
    const id = 'BACKUP_POLICY_TYPE';
    if (org.backupPolicyType === 'ENABLED')
      return [pass(id, 'The BACKUP_POLICY type is enabled on the root.')];
    const enforce = desired.mode === 'enforce';
    return [
      item(
        id,
        enforce ? 'WARN' : 'FAIL',
        `The BACKUP_POLICY type is ${org.backupPolicyType} on the root${enforce ? '; the controller enables it on its first run' : ', and audit mode never enables it'}.`,
        'Enable it: aws organizations enable-policy-type --root-id ROOT --policy-type BACKUP_POLICY.',
      ),
    ];
  },

  function trustedAccess({ readiness }) {
    if (!readiness.trustedServices.ok) {
      return [unreadable('TRUSTED_ACCESS', 'trusted access', readiness.trustedServices)!];
    }
    const enabled = new Set(readiness.trustedServices.value);
    return [
      enabled.has(BACKUP_SERVICE)
        ? pass('TRUSTED_ACCESS_BACKUP', 'AWS Backup has trusted access to the organization.')
        : item(
            'TRUSTED_ACCESS_BACKUP',
            'WARN',
            'AWS Backup has no trusted access: cross-account job monitoring and Audit Manager lose the organization view (the controller reads jobs in each member account anyway).',
            'Enable trusted access for AWS Backup in the AWS Backup console (Settings, cross-account management).',
          ),
      enabled.has(STACKSETS_SERVICE)
        ? pass('TRUSTED_ACCESS_STACKSETS', 'CloudFormation StackSets has trusted access to the organization.')
        : item(
            'TRUSTED_ACCESS_STACKSETS',
            'FAIL',
            'CloudFormation StackSets has no trusted access: the member baseline (execution role, backup role, event forwarding) cannot be deployed to the accounts.',
            'Activate trusted access with AWS Organizations in the CloudFormation StackSets console.',
          ),
    ];
  },

  function organizationTrail({ readiness }) {
    const id = 'ORGANIZATION_TRAIL';
    if (!readiness.organizationTrails.ok)
      return [unreadable(id, 'CloudTrail', readiness.organizationTrails)!];
    const trail = readiness.organizationTrails.value.find((t) => t.organization && t.multiRegion);
    return trail
      ? [pass(id, `The organization trail ${trail.name} records API calls in every Region.`)]
      : [
          item(
            id,
            'WARN',
            'No multi-Region organization trail: API calls that weaken backups (deleted vault locks, scheduled key deletions) are seen only at the next sweep.',
            'Create an organization trail in CloudTrail that applies to all Regions.',
          ),
        ];
  },

  function existingBackupPolicies({ desired, readiness }) {
    const id = 'EXISTING_BACKUP_POLICIES';
    if (!readiness.backupPolicies.ok) return [unreadable(id, 'backup policies', readiness.backupPolicies)!];
    const others = readiness.backupPolicies.value.filter((policy) => policy.name !== desired.policy.name);
    if (others.length === 0) return [pass(id, 'No other backup policy exists in the organization.')];
    const list = others.map(
      (policy) => `${policy.name} (attached to ${policy.targets.join(', ') || 'nothing'})`,
    );
    return [
      item(
        id,
        'WARN',
        `Other backup policies merge with the controller's where they reach the same accounts: ${list.join('; ')}.`,
        'Make sure their plan names differ from the controller plans, or run orgbackup plan to see the merged result.',
      ),
    ];
  },

  function policySize({ desired }) {
    const id = 'POLICY_SIZE';
    const size = desired.policy.content.length;
    if (size > POLICY_CONTENT_LIMIT) {
      return [
        item(
          id,
          'FAIL',
          `The rendered policy has ${size} characters; Organizations accepts at most ${POLICY_CONTENT_LIMIT}.`,
          'Use fewer plans or Regions, or split the organization into several policies.',
        ),
      ];
    }
    return [pass(id, `The rendered policy has ${size} of ${POLICY_CONTENT_LIMIT} characters.`)];
  },

  function policiesPerTarget({ desired, org, readiness }) {
    const id = 'POLICIES_PER_TARGET';
    if (!readiness.backupPolicies.ok) return [];
    const policies = readiness.backupPolicies.value;
    const ours = policies.find((policy) => policy.name === desired.policy.name);
    const full = desired.attachTo.flatMap((entry) => {
      const target = resolveAttachTarget(entry, org, undefined);
      if (target === null) return [];
      const attached = policies.filter((policy) => policy.targets.includes(target) && policy !== ours).length;
      return attached + 1 > POLICIES_PER_TARGET_LIMIT ? [`${entry} (${attached} other policies)`] : [];
    });
    return full.length === 0
      ? [
          pass(
            id,
            `Every attach target has room for the controller's policy (at most ${POLICIES_PER_TARGET_LIMIT} each).`,
          ),
        ]
      : [
          item(
            id,
            'FAIL',
            `These attach targets already hold ${POLICIES_PER_TARGET_LIMIT} backup policies: ${full.join(', ')}.`,
            'Detach a policy there, or attach the controller policy one level up.',
          ),
        ];
  },

  /**
   * The member role trusts only the controller's functions, so the doctor reads it (GetRole) through a role
   * that trusts the management account instead of assuming it: absent everywhere sampled means not deployed
   * yet, absent in some accounts means the member baseline StackSet did not reach them, and a role that
   * trusts nothing in the management account is one the controller cannot assume and the StackSet cannot
   * create (a role of that name already exists).
   */
  function memberRole({ desired, org, readiness }) {
    const id = 'MEMBER_ROLE';
    const role = desired.memberRoleName;
    const probes = readiness.memberProbes;
    if (probes.length === 0) return [item(id, 'WARN', 'No member account to read the member role in.', '')];
    const present = probes.filter((probe) => probe.kind === 'present');
    const items: ReadinessItem[] = [];
    for (const probe of probes) {
      if (probe.kind === 'unreadable') {
        items.push(
          item(
            id,
            'WARN',
            `Account ${probe.accountId}: could not look into the account with ${readiness.accessRoleName} (${probe.error}), so its member role is unchecked.`,
            `Pass --access-role with a role there that trusts the management account (AWSControlTowerExecution in Control Tower accounts; invited accounts have no OrganizationAccountAccessRole unless someone created it), or check this account's stack instance of the member baseline StackSet.`,
          ),
        );
      } else if (probe.kind === 'absent' && present.length > 0) {
        items.push(
          item(
            id,
            'FAIL',
            `Account ${probe.accountId}: no role ${role}, though ${present.length} other sampled account${present.length === 1 ? ' has' : 's have'} it: the member baseline StackSet did not reach this account, so the controller cannot reconcile it.`,
            "Check this account's stack instance of the member baseline StackSet (its status reason) and that the account sits under one of the StackSet's deployment targets.",
          ),
        );
      } else if (probe.kind === 'present') {
        const principals = trustedAwsPrincipals(probe.trustPolicy);
        const fromManagement = principals.filter((principal) =>
          inAccount(principal, org.managementAccountId),
        );
        if (fromManagement.length === 0) {
          items.push(
            item(
              id,
              'FAIL',
              `Account ${probe.accountId}: the role ${role} exists but trusts ${principals.join(', ') || 'no AWS principal'}, nothing in the management account: the controller cannot assume it, and the member baseline cannot create a role of that name.`,
              `Rename or delete that role, or set memberRoleName to a role the controller may own.`,
            ),
          );
        }
      }
    }
    if (items.length > 0) return items;
    return present.length === 0
      ? [
          pass(
            id,
            `The role ${role} does not exist yet in the ${probes.length} sampled account${probes.length === 1 ? '' : 's'}; the member baseline StackSet creates it when the controller is deployed.`,
          ),
        ]
      : [
          pass(
            id,
            `The role ${role} exists in all ${probes.length} sampled accounts and trusts the controller's roles in the management account.`,
          ),
        ];
  },

  /**
   * Opt-in Regions (those launched after March 2019) are off in an account until someone enables them; an
   * account cannot be backed up, or even read, in a Region that is off there
   * (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html).
   */
  function regionsEnabled({ desired, readiness }) {
    const id = 'REGIONS_ENABLED';
    const items: ReadinessItem[] = [];
    for (const { accountId, regions } of readiness.enabledRegions) {
      if (!regions.ok) {
        items.push(
          item(
            id,
            'WARN',
            `Could not list the Regions enabled in account ${accountId} (${regions.error}).`,
            'Allow account:ListRegions to the management account and the member role.',
          ),
        );
        continue;
      }
      const off = (wanted: readonly string[]) => wanted.filter((region) => !regions.value.includes(region));
      const policyOff = off(desired.regions);
      const scanOff = off(desired.scanRegions ?? []);
      if (policyOff.length > 0) {
        items.push(
          item(
            id,
            'FAIL',
            `Account ${accountId}: policy Region${policyOff.length === 1 ? '' : 's'} ${policyOff.join(', ')} ${policyOff.length === 1 ? 'is' : 'are'} not enabled, so nothing there is backed up or checked.`,
            'Enable the Region in the account (Account settings → AWS Regions, or account:EnableRegion), or remove it from regions.',
          ),
        );
      }
      if (scanOff.length > 0) {
        items.push(
          item(
            id,
            'WARN',
            `Account ${accountId}: scanned Region${scanOff.length === 1 ? '' : 's'} ${scanOff.join(', ')} ${scanOff.length === 1 ? 'is' : 'are'} not enabled and cannot be scanned.`,
            'Enable the Region, or remove it from scanRegions.',
          ),
        );
      }
    }
    if (items.length > 0) return items;
    const accounts = readiness.enabledRegions.length;
    return accounts === 0
      ? [
          item(
            id,
            'WARN',
            'No account was read for its enabled Regions.',
            'Run the doctor with the management account.',
          ),
        ]
      : [
          pass(
            id,
            `Every configured Region is enabled in the ${accounts} account${accounts === 1 ? '' : 's'} read.`,
          ),
        ];
  },

  function keyDeletionGuard({ readiness }) {
    return scpGuard(
      readiness,
      'SCP_KEY_DELETION_GUARD',
      'kms:ScheduleKeyDeletion',
      'scheduling KMS key deletion',
      'a key scheduled for deletion makes the backups encrypted with it unrecoverable once it is deleted',
    );
  },

  function backupDeletionGuard({ readiness }) {
    return scpGuard(
      readiness,
      'SCP_BACKUP_DELETION_GUARD',
      'backup:DeleteRecoveryPoint',
      'deleting recovery points',
      'anyone with admin rights in a member account can delete its backups outside a compliance-mode lock',
    );
  },

  function centralVault({ desired, readiness }) {
    const id = 'CENTRAL_VAULT';
    if (readiness.centralVault === null || desired.centralVault === undefined) {
      return [
        item(
          id,
          'WARN',
          'No central vault: every backup stays in the account it protects, where that account can delete it.',
          'Add centralVault to the config, in an account few people can sign in to.',
        ),
      ];
    }
    if (!readiness.centralVault.ok) return [unreadable(id, 'the central vault', readiness.centralVault)!];
    const { exists, vaultType } = readiness.centralVault.value;
    if (!exists) {
      return [
        pass(
          id,
          `The central vault ${desired.centralVault.name} does not exist yet; the controller creates it.`,
        ),
      ];
    }
    return vaultType === 'LOGICALLY_AIR_GAPPED_BACKUP_VAULT'
      ? [pass(id, `The central vault ${desired.centralVault.name} is logically air-gapped.`)]
      : [
          item(
            id,
            'WARN',
            `The central vault ${desired.centralVault.name} is a standard vault.`,
            'Where the organization wants copies isolated from its own accounts, use a logically air-gapped vault as the central vault.',
          ),
        ];
  },

  function crossAccountBackup({ desired, org }) {
    const id = 'CROSS_ACCOUNT_BACKUP';
    if (!desired.centralVault || !desired.plans.some((plan) => plan.copyToCentralVault)) return [];
    if (org.crossAccountBackupEnabled === true) return [pass(id, 'Cross-account backup is enabled.')];
    const enforce = desired.mode === 'enforce';
    return [
      item(
        id,
        enforce ? 'WARN' : 'FAIL',
        `Cross-account backup is ${org.crossAccountBackupEnabled === null ? 'unknown' : 'disabled'}, so copies to the central vault fail${enforce ? ' until the controller turns it on' : ''}.`,
        'Turn on cross-account backup in the AWS Backup settings of the management account.',
      ),
    ];
  },
];

/** Every rule's items, in rule order. */
export function assessReadiness(input: ReadinessInput): ReadinessItem[] {
  return READINESS_RULES.flatMap((rule) => rule(input));
}

function scpGuard(
  readiness: ObservedReadiness,
  id: string,
  action: string,
  what: string,
  risk: string,
): ReadinessItem[] {
  if (!readiness.serviceControlPolicies.ok) {
    return [unreadable(id, 'service control policies', readiness.serviceControlPolicies)!];
  }
  const guard = readiness.serviceControlPolicies.value.find(
    (policy) => policy.targets.length > 0 && deniesAction(policy.content, action),
  );
  return guard
    ? [pass(id, `The service control policy ${guard.name} denies ${action}.`)]
    : [
        item(
          id,
          'WARN',
          `No attached service control policy denies ${what}: ${risk}.`,
          `Attach an SCP that denies ${action} to everyone but a break-glass role.`,
        ),
      ];
}

/** Whether a policy document has a Deny statement whose Action (with IAM wildcards) covers `action`. */
export function deniesAction(content: string, action: string): boolean {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch {
    return false;
  }
  const statements = (document as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  return list.some((statement: { Effect?: unknown; Action?: unknown }) => {
    if (statement.Effect !== 'Deny') return false;
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    return actions.some((pattern) => typeof pattern === 'string' && wildcardMatches(pattern, action));
  });
}

/** IAM action matching: case-insensitive, `*` any run of characters, `?` one character. */
function wildcardMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${regex}$`, 'i').test(value);
}

/** Whether a trust policy principal (account id, account root, role or user ARN) belongs to `accountId`. */
function inAccount(principal: string, accountId: string): boolean {
  return principal === accountId || principal.split(':')[4] === accountId;
}
