import { parseDocument } from 'yaml';
import * as z from 'zod';
import { ControllerError } from '../shared/domain/errors.js';
import { worldReferenceIssues } from './world-references.js';

/**
 * The world file: the starting organization plus a timeline of things that happen while the simulated clock
 * runs. This schema is the public, versioned contract (docs/world-format.md, sandbox/world.schema.json).
 */

export const WORLD_FORMAT_VERSION = 1;

const AccountId = z.string().regex(/^\d{12}$/, 'an account id is exactly 12 digits');
const Timestamp = z.iso.datetime({ offset: true });
const Arn = z.string().regex(/^arn:aws[a-z-]*:/, 'an ARN starts with "arn:aws:"');
const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a Region code such as eu-west-1');
const Tags = z.record(z.string(), z.string());
const VaultName = z.string().regex(/^[a-zA-Z0-9\-_]{2,50}$/, 'a vault name is 2-50 of [a-zA-Z0-9-_]');
/** An OU path such as `/Workloads/Prod`; `/` is the root. */
const OuPath = z
  .string()
  .regex(/^\/([^/]+(\/[^/]+)*)?$/, 'an OU path such as /Workloads/Prod (/ is the root)');
/** Where a policy is attached: `root`, an OU path, or an account id. */
const PolicyTarget = z.union([z.literal('root'), OuPath, AccountId]);

const ResourceSpec = z
  .object({
    arn: Arn,
    tags: Tags.default({}),
    /** Customer-managed key the resource is encrypted with; the backup role needs a grant on it. */
    kmsKeyArn: Arn.optional(),
    /** Backup resource type when the ARN alone is ambiguous (rds cluster: Aurora, DocumentDB or Neptune). */
    resourceType: z.string().optional(),
    /** EFS only: EFS automatic backups are on (daily, into aws/efs/automatic-backup-vault). */
    efsAutomaticBackup: z.boolean().optional(),
    /** false: restores of this resource's recovery points fail (a backup that does not restore). */
    restorable: z.boolean().optional(),
    /** S3 only: false = versioning never enabled, so AWS Backup cannot back the bucket up. Default true. */
    versioning: z.boolean().optional(),
    /** FSx file systems only: the file system type (default WINDOWS). ONTAP volumes are backed up, not the file system. */
    fileSystemType: z.enum(['ONTAP', 'WINDOWS', 'LUSTRE', 'OPENZFS']).optional(),
  })
  .strict();

/** A backup plan the account's own team made (not from the organization policy). */
const TeamPlanSpec = z
  .object({
    name: z.string().min(1),
    schedule: z.string().min(1).describe('An AWS Backup cron expression, in UTC.'),
    vault: VaultName,
    /** Selects resources carrying any of these tags with exactly this value. */
    tags: Tags,
    deleteAfterDays: z.int().min(1).default(35),
  })
  .strict();

const LockSpec = z
  .object({
    minRetentionDays: z.int().min(1).optional(),
    maxRetentionDays: z.int().max(36500).optional(),
    changeableForDays: z.int().min(3).optional(),
    /** When the lock became (or becomes) immutable; in the past = a compliance lock that can no longer change. */
    lockDate: Timestamp.optional(),
  })
  .strict();

const VaultSpec = z
  .object({
    name: VaultName,
    kmsKeyArn: Arn.optional(),
    lock: LockSpec.optional(),
    /** Vault access policy, as a JSON string or an object. */
    accessPolicy: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  })
  .strict();

const KeyState = z.enum(['Enabled', 'Disabled', 'PendingDeletion']);
const KeySpec = z
  .object({
    arn: Arn,
    state: KeyState.default('Enabled'),
    manager: z.enum(['CUSTOMER', 'AWS']).default('CUSTOMER'),
    /** Principals (role ARNs) that already hold a grant on the key. */
    grantees: z.array(Arn).default([]),
    /** false: the key policy refuses the account's backup role (grants aside), so it cannot use the key. */
    allowsBackupRole: z.boolean().default(true),
    aliases: z.array(z.string().regex(/^alias\//, 'an alias starts with "alias/"')).default([]),
  })
  .strict();

const EventTargetSpec = z.object({ id: z.string(), arn: Arn, roleArn: Arn.optional() }).strict();
const EventRuleSpec = z
  .object({
    name: z.string().min(1),
    eventPattern: z.union([z.string(), z.record(z.string(), z.unknown())]),
    state: z.enum(['ENABLED', 'DISABLED']).default('ENABLED'),
    targets: z.array(EventTargetSpec).default([]),
  })
  .strict();

const RegionSpec = z
  .object({
    /** Overrides of the Region's default ResourceTypeOptInPreference. */
    optIn: z.record(z.string(), z.boolean()).default({}),
    /** Overrides of the Region's default ResourceTypeManagementPreference (`DynamoDB: false`: no advanced backup). */
    managementPreference: z.record(z.string(), z.boolean()).default({}),
    lifecycleDeletes: z
      .boolean()
      .default(true)
      .describe(
        'false: AWS Backup cannot delete recovery points past their retention here (say, a permission is missing); they stay EXPIRED and are still billed.',
      ),
    resources: z.array(ResourceSpec).default([]),
    vaults: z.array(VaultSpec).default([]),
    keys: z.array(KeySpec).default([]),
    /** Backup plans the account's own teams made (not from the organization policy). */
    plans: z.array(TeamPlanSpec).default([]),
    /** Rules on the default event bus (e.g. an existing forwarding rule). */
    eventRules: z.array(EventRuleSpec).default([]),
    /** false: no default VPC, so restore tests of EC2, RDS and the like fail without a subnet override. */
    defaultVpc: z.boolean().default(true),
  })
  .strict();

const RoleSpec = z.union([
  z.string().min(1),
  z
    .object({
      name: z.string().min(1),
      /** Service principals the trust policy allows; a role named as a string trusts backup.amazonaws.com. */
      trustedServices: z.array(z.string()).default(['backup.amazonaws.com']),
      managedPolicyArns: z.array(Arn).default([]),
    })
    .strict(),
]);

const AccountSpec = z
  .object({
    name: z.string().min(1).optional(),
    email: z.string().optional(),
    memberRole: z
      .boolean()
      .default(true)
      .describe(
        "false: the controller's member role is missing, AssumeRole is denied; with a deployed controller the member baseline never reached the account (no baseline roles or forwarding).",
      ),
    roles: z.array(RoleSpec).default([]),
    baseline: z
      .object({
        backupRole: z.boolean().default(true),
        eventForwarding: z.boolean().default(true),
      })
      .strict()
      .default({ backupRole: true, eventForwarding: true })
      .describe(
        'Parts of the deployed member baseline missing in this account (false: deleted by hand, drift); the execution role is memberRole.',
      ),
    regions: z.record(Region, RegionSpec).default({}),
    enabledRegions: z
      .array(Region)
      .optional()
      .describe(
        "Regions enabled in the account (account:ListRegions). Default: AWS's Regions enabled by default plus every Region listed under regions.",
      ),
    deniedRegions: z
      .array(Region)
      .default([])
      .describe(
        'Regions a Region-deny service control policy closes to every principal of the account: regional calls there fail with AccessDeniedException.',
      ),
    serviceLinkedRole: z
      .boolean()
      .default(true)
      .describe(
        "false: AWS Backup's service-linked role AWSServiceRoleForBackup is missing here (copies into the account fail until it is created).",
      ),
    joinedMethod: z
      .enum(['CREATED', 'INVITED'])
      .default('CREATED')
      .describe(
        'How the account joined: CREATED accounts have OrganizationAccountAccessRole (trusting the management account, AdministratorAccess); INVITED accounts have no such role.',
      ),
  })
  .strict();

interface OuInput {
  name: string;
  accounts?: string[] | undefined;
  ous?: OuInput[] | undefined;
}
const OuSpec: z.ZodType<OuInput> = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[^/]+$/, 'an OU name cannot contain "/"'),
    accounts: z.array(AccountId).optional(),
    get ous() {
      return z.array(OuSpec).optional();
    },
  })
  .strict();

const PolicySpec = z
  .object({
    name: z.string().min(1).max(128),
    description: z.string().max(512).default(''),
    /** Policy document as JSON text (kept byte-for-byte) or as an object (minified). */
    content: z.union([z.string(), z.record(z.string(), z.unknown())]),
    attachedTo: z.array(PolicyTarget).default([]),
    /** Tags on the policy; the controller recognises its own by `managed-by: org-backup-controller`. */
    tags: z.record(z.string(), z.string()).default({}),
  })
  .strict();

const FaultError = z
  .object({
    /** `service:Operation`, e.g. `backup:ListProtectedResources`, or `*`. */
    operation: z.string().min(1),
    account: AccountId.optional(),
    region: Region.optional(),
    /** The error's name: a modeled exception class of that service, or any unmodeled code. */
    name: z.string().min(1),
    message: z.string().default('Injected fault'),
    /** How many calls fail; absent = every matching call. */
    times: z.int().min(1).optional(),
  })
  .strict();

export const FaultsSpec = z
  .object({
    /** Probability in [0, 1] that a call is throttled, for every operation. */
    throttleRate: z.number().min(0).max(1).default(0),
    /** Throttle probability per `service:Operation`, overriding throttleRate. */
    throttleRateByOperation: z.record(z.string(), z.number().min(0).max(1)).default({}),
    /** Simulated latency per `service:Operation` (`*` for all), in milliseconds. */
    latencyMs: z.record(z.string(), z.number().min(0)).default({}),
    /** Sleep the latency for real instead of only counting it. */
    realLatency: z.boolean().default(false),
    errors: z.array(FaultError).default([]),
  })
  .strict();

const AccountRegion = { account: AccountId, region: Region };

const TimelineEntry = z
  .object({
    at: Timestamp,
    tag: z.object({ arn: Arn, tags: Tags }).strict().optional(),
    untag: z
      .object({ arn: Arn, keys: z.array(z.string()).min(1) })
      .strict()
      .optional(),
    createResource: z
      .object({
        ...AccountRegion,
        arn: Arn,
        tags: Tags.default({}),
        kmsKeyArn: Arn.optional(),
        resourceType: z.string().optional(),
      })
      .strict()
      .optional(),
    deleteResource: z.object({ arn: Arn }).strict().optional(),
    /** An on-demand backup of a resource into a vault of its account and Region (no plan made it). */
    onDemandBackup: z.object({ arn: Arn, vault: VaultName }).strict().optional(),
    attachPolicy: z.object({ policy: z.string(), target: PolicyTarget }).strict().optional(),
    /** Detach `policy` (by name) from the target, or every backup policy attached there. */
    detachPolicy: z.object({ target: PolicyTarget, policy: z.string().optional() }).strict().optional(),
    deleteVault: z
      .object({ ...AccountRegion, name: VaultName })
      .strict()
      .optional(),
    deleteVaultLock: z
      .object({ ...AccountRegion, name: VaultName })
      .strict()
      .optional(),
    scheduleKeyDeletion: z
      .object({ arn: Arn, pendingWindowInDays: z.int().min(7).max(30).default(30) })
      .strict()
      .optional(),
    createAccount: z
      .object({
        id: AccountId,
        ou: OuPath.default('/'),
        name: z.string().optional(),
        account: AccountSpec.optional(),
      })
      .strict()
      .optional(),
    moveAccount: z.object({ id: AccountId, to: OuPath }).strict().optional(),
    deleteMemberRole: z
      .object({ account: AccountId })
      .strict()
      .optional()
      .describe(
        "The controller's member role disappears: AssumeRole into the account is denied from then on.",
      ),
    event: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('A raw EventBridge event delivered to the central bus as-is.'),
  })
  .strict()
  .refine((entry) => Object.keys(entry).filter((key) => key !== 'at').length === 1, {
    message: 'a timeline entry has "at" and exactly one action',
  });

export const WorldSchema = z
  .object({
    version: z.literal(WORLD_FORMAT_VERSION),
    start: Timestamp.describe('Simulated time at which the world starts.'),
    managementAccountId: AccountId.describe('The management account; it must be placed in organization.'),
    organizationId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, 'an organization id such as o-abcdef1234')
      .optional(),
    memberRoleName: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The controller's role in each account; when set, AssumeRole into other role names is denied.",
      ),
    centralBusArn: Arn.optional().describe(
      'Event bus that forwarded events count as delivered to; default: any bus in the management account.',
    ),
    controllerRegion: Region.default('us-east-1').describe(
      'Region the controller is deployed in (its Lambda functions, STS and alert topic).',
    ),
    baselineDelayMinutes: z
      .int()
      .min(0)
      .default(10)
      .describe(
        'Minutes until an account that joins or moves into a targeted OU gets the member baseline (roles, forwarding).',
      ),
    backupPolicyType: z.enum(['ENABLED', 'DISABLED']).default('DISABLED'),
    crossAccountBackupEnabled: z.boolean().default(false),
    legacyRdsCopyLimit: z
      .boolean()
      .default(false)
      .describe(
        'RDS, Aurora, DocumentDB and Neptune copies that cross Regions and accounts at once fail with "Feature is not supported for provided resource type.", as before AWS lifted that limit.',
      ),
    organizationTrail: z
      .boolean()
      .default(true)
      .describe(
        'Whether the management account has a multi-Region organization trail (CloudTrail DescribeTrails).',
      ),
    trustedAccess: z
      .array(z.string().min(1))
      .default(['backup.amazonaws.com', 'member.org.stacksets.cloudformation.amazonaws.com'])
      .describe('Service principals with trusted access in the organization.'),
    organization: z
      .object({
        accounts: z.array(AccountId).default([]),
        ous: z.array(OuSpec).default([]),
      })
      .strict(),
    accounts: z.record(AccountId, AccountSpec).default({}),
    policies: z.array(PolicySpec).default([]),
    secrets: z
      .record(z.string(), z.string())
      .default({})
      .describe('Secrets Manager secrets in the management account (every Region), by name.'),
    faults: FaultsSpec.optional(),
    timeline: z.array(TimelineEntry).default([]),
  })
  .strict()
  .describe('A simulated AWS Organization and its timeline (docs/world-format.md).');

export type World = z.output<typeof WorldSchema>;
export type WorldInput = z.input<typeof WorldSchema>;
export type WorldAccount = z.output<typeof AccountSpec>;
export type WorldRegion = z.output<typeof RegionSpec>;
export type WorldOu = OuInput;
export type WorldTimelineEntry = z.output<typeof TimelineEntry>;
export type Faults = z.output<typeof FaultsSpec>;
export type FaultsInput = z.input<typeof FaultsSpec>;

export interface WorldIssue {
  /** Dotted path into the document, e.g. `accounts.222222222222.regions.eu-west-1.vaults[0].name`. */
  readonly path: string;
  readonly message: string;
}

export class WorldValidationError extends ControllerError {
  readonly issues: readonly WorldIssue[];

  constructor(fileName: string, issues: readonly WorldIssue[], options?: { cause?: unknown }) {
    const lines = issues.map((issue) => `  ${issue.path || '(root)'}: ${issue.message}`);
    super('WORLD_INVALID', `${fileName} is not a valid world file:\n${lines.join('\n')}`, options);
    this.issues = issues;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

/** Validates an already parsed document; throws WorldValidationError listing every problem with its path. */
export function parseWorld(document: unknown, fileName = 'world'): World {
  const result = WorldSchema.safeParse(document);
  if (!result.success) {
    const schemaIssues = result.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      message: issue.message,
    }));
    // Every problem at once: the references are checked too, in the document without the broken parts.
    throw new WorldValidationError(fileName, [
      ...schemaIssues,
      ...referenceIssuesDespite(document, result.error.issues),
    ]);
  }
  const issues = [...crossReferenceIssues(result.data), ...worldReferenceIssues(result.data)];
  if (issues.length > 0) throw new WorldValidationError(fileName, issues);
  return result.data;
}

/**
 * Reference problems of a document the schema rejected: the entries the schema complained about are left
 * out (the list element or record entry holding each problem), and if the rest is valid its references are
 * checked, with paths pointing into the original document. Empty when even the rest does not parse.
 */
function referenceIssuesDespite(
  document: unknown,
  schemaIssues: readonly { path: PropertyKey[] }[],
): WorldIssue[] {
  const pruned = structuredClone(document);
  /** Per list (by its path), the indices left out, so that later paths can be mapped back. */
  const removed = new Map<string, number[]>();
  for (const { path } of schemaIssues) {
    const last = path.findLastIndex((key) => typeof key === 'number');
    const cut = last >= 0 ? last : path.length - 1;
    if (cut < 1) return [];
    let parent: unknown = pruned;
    for (const key of path.slice(0, cut))
      parent = (parent as Record<PropertyKey, unknown> | undefined)?.[key];
    const key = path[cut]!;
    if (Array.isArray(parent) && typeof key === 'number') {
      parent[key] = REMOVED;
      const list = formatPath(path.slice(0, cut));
      removed.set(
        list,
        [...(removed.get(list) ?? []), key].sort((a, b) => a - b),
      );
    } else if (parent && typeof parent === 'object') delete (parent as Record<PropertyKey, unknown>)[key];
  }
  const rest = WorldSchema.safeParse(withoutRemoved(pruned));
  if (!rest.success) return [];
  const original = (path: string) =>
    path.replace(/^(.*?)\[(\d+)\]/, (_whole, list: string, index: string) => {
      let at = Number(index);
      for (const gone of removed.get(list) ?? []) if (gone <= at) at += 1;
      return `${list}[${at}]`;
    });
  return [...crossReferenceIssues(rest.data), ...worldReferenceIssues(rest.data)].map((issue) => ({
    ...issue,
    path: original(issue.path),
  }));
}

const REMOVED = Symbol('removed');

function withoutRemoved(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== REMOVED).map(withoutRemoved);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutRemoved(item)]));
  }
  return value;
}

/** Parses YAML or JSON text (JSON is YAML) and validates it. */
export function loadWorld(text: string, fileName = 'world.yaml'): World {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new WorldValidationError(
      fileName,
      document.errors.map((error) => ({
        path: error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '',
        message: error.message.split('\n')[0] ?? error.message,
      })),
    );
  }
  return parseWorld(document.toJS(), fileName);
}

/** What the schema cannot see: ids and paths that must refer to something declared elsewhere. */
function crossReferenceIssues(world: World): WorldIssue[] {
  const issues: WorldIssue[] = [];
  const placed = new Map<string, string>();
  const ouPaths = new Set<string>(['/']);
  const place = (accountId: string, path: string) => {
    const earlier = placed.get(accountId);
    if (earlier) issues.push({ path, message: `account ${accountId} is already placed at ${earlier}` });
    else placed.set(accountId, path);
  };
  world.organization.accounts.forEach((id, i) => {
    place(id, `organization.accounts[${i}]`);
  });
  const walk = (ous: readonly OuInput[], parentPath: string, docPath: string) => {
    ous.forEach((ou, i) => {
      const path = `${parentPath}/${ou.name}`;
      const here = `${docPath}[${i}]`;
      if (ouPaths.has(path)) issues.push({ path: `${here}.name`, message: `duplicate OU ${path}` });
      ouPaths.add(path);
      (ou.accounts ?? []).forEach((id, j) => {
        place(id, `${here}.accounts[${j}]`);
      });
      walk(ou.ous ?? [], path, `${here}.ous`);
    });
  };
  walk(world.organization.ous, '', 'organization.ous');
  if (!placed.has(world.managementAccountId)) {
    issues.push({
      path: 'organization.accounts',
      message: `the management account ${world.managementAccountId} must be placed in the organization`,
    });
  }
  for (const id of Object.keys(world.accounts)) {
    if (!placed.has(id))
      issues.push({
        path: `accounts.${id}`,
        message: `account ${id} is not placed anywhere in organization`,
      });
  }
  const targetIssue = (target: string): string | null => {
    if (target === 'root' || /^\d{12}$/.test(target))
      return placed.has(target) || target === 'root' ? null : `unknown account ${target}`;
    return ouPaths.has(target) ? null : `unknown OU ${target}`;
  };
  const policyNames = new Set<string>();
  world.policies.forEach((policy, i) => {
    if (policyNames.has(policy.name))
      issues.push({ path: `policies[${i}].name`, message: `duplicate policy name ${policy.name}` });
    policyNames.add(policy.name);
    if (policy.attachedTo.length > 0 && world.backupPolicyType !== 'ENABLED') {
      issues.push({
        path: `policies[${i}].attachedTo`,
        message: 'policies can be attached only when backupPolicyType is ENABLED',
      });
    }
    policy.attachedTo.forEach((target, j) => {
      const problem = targetIssue(target);
      if (problem) issues.push({ path: `policies[${i}].attachedTo[${j}]`, message: problem });
    });
  });
  const created = new Set<string>();
  world.timeline.forEach((entry, i) => {
    const here = `timeline[${i}]`;
    const previous = world.timeline[i - 1];
    if (previous && Date.parse(entry.at) < Date.parse(previous.at)) {
      issues.push({ path: `${here}.at`, message: 'timeline entries must be in time order' });
    }
    if (Date.parse(entry.at) < Date.parse(world.start))
      issues.push({ path: `${here}.at`, message: 'before the world start' });
    if (entry.createAccount) {
      if (placed.has(entry.createAccount.id) || created.has(entry.createAccount.id)) {
        issues.push({
          path: `${here}.createAccount.id`,
          message: `account ${entry.createAccount.id} already exists`,
        });
      }
      created.add(entry.createAccount.id);
      if (!ouPaths.has(entry.createAccount.ou))
        issues.push({ path: `${here}.createAccount.ou`, message: `unknown OU ${entry.createAccount.ou}` });
    }
    if (entry.moveAccount && !ouPaths.has(entry.moveAccount.to)) {
      issues.push({ path: `${here}.moveAccount.to`, message: `unknown OU ${entry.moveAccount.to}` });
    }
    for (const [key, action] of [
      ['attachPolicy', entry.attachPolicy],
      ['detachPolicy', entry.detachPolicy],
    ] as const) {
      if (!action) continue;
      const problem = targetIssue(action.target);
      if (problem) issues.push({ path: `${here}.${key}.target`, message: problem });
      if (action.policy !== undefined && !policyNames.has(action.policy)) {
        issues.push({ path: `${here}.${key}.policy`, message: `unknown policy ${action.policy}` });
      }
    }
  });
  return issues;
}
