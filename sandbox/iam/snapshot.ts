import { readFileSync } from 'node:fs';
import type { PolicyDocument, PolicyStatement } from './policy.js';

/**
 * The IAM the CDK app synthesizes, as the sandbox enforces it: sandbox/iam-snapshot.json, written by
 * `npm run iam-snapshot` (synthesize-snapshot.ts) and checked for staleness by a test. Strings carry
 * placeholders (`${Account}`, `${Region}`, `${MemberRoleName}`, …) that `instantiate` fills in for one
 * simulated account, so one snapshot serves every world and config.
 */

export interface SnapshotRole {
  readonly name: string;
  readonly trustPolicy: PolicyDocument | null;
  readonly policies: { readonly name: string; readonly document: PolicyDocument }[];
  readonly managedPolicyArns: readonly string[];
}

export interface SnapshotRule {
  readonly name: string;
  readonly eventBusName: string;
  readonly eventPattern: Record<string, unknown>;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly targets: readonly { readonly id: string; readonly arn: string; readonly roleArn?: string }[];
}

export interface IamSnapshot {
  readonly source: string;
  /** The role of each controller function (sweep, reconcile-target, events, notify, report). */
  readonly functions: Readonly<Record<string, SnapshotRole>>;
  /** Roles the main stack creates in the management account for AWS services the sandbox simulates. */
  readonly managementRoles: readonly SnapshotRole[];
  /** Forwarding rules on the management account's default bus in every policy Region. */
  readonly managementRules: readonly SnapshotRule[];
  /** Statements of the central event bus's resource policy. */
  readonly centralBusPolicy: readonly PolicyStatement[];
  /** What the StackSet deploys into every member account it targets. */
  readonly memberBaseline: {
    readonly roles: readonly SnapshotRole[];
    readonly rules: readonly SnapshotRule[];
  };
}

/** The facts a placeholder stands for in one account. */
export interface SnapshotFacts {
  readonly account: string;
  readonly region: string;
  readonly managementAccount: string;
  readonly controllerRegion: string;
  readonly organizationId: string;
  readonly rootId: string;
  readonly centralBusArn: string;
  readonly memberRoleName: string;
  readonly backupRoleName: string;
  readonly vaultName: string;
  readonly centralVaultName: string;
  readonly centralVaultAccount: string;
  readonly slackSecretName: string;
}

const PLACEHOLDERS: Readonly<Record<string, keyof SnapshotFacts>> = {
  Account: 'account',
  Region: 'region',
  ManagementAccount: 'managementAccount',
  ControllerRegion: 'controllerRegion',
  OrganizationId: 'organizationId',
  RootId: 'rootId',
  CentralBusArn: 'centralBusArn',
  MemberRoleName: 'memberRoleName',
  BackupRoleName: 'backupRoleName',
  VaultName: 'vaultName',
  CentralVaultName: 'centralVaultName',
  CentralVaultAccount: 'centralVaultAccount',
  SlackSecretName: 'slackSecretName',
};

export class SnapshotPlaceholderError extends Error {}

/** Fills every `${Placeholder}` in `value` (deeply); an unknown placeholder is a snapshot the sandbox cannot read. */
export function instantiate<T>(value: T, facts: SnapshotFacts): T {
  const text = JSON.stringify(value).replace(/\$\{([A-Za-z]+)\}/g, (match, name: string) => {
    const key = PLACEHOLDERS[name];
    if (!key) throw new SnapshotPlaceholderError(`iam-snapshot.json: unknown placeholder ${match}`);
    return facts[key];
  });
  return JSON.parse(text) as T;
}

const SNAPSHOT_URL = new URL('../iam-snapshot.json', import.meta.url);
let loaded: IamSnapshot | undefined;

/** The committed snapshot, read once per process. */
export function iamSnapshot(): IamSnapshot {
  loaded ??= JSON.parse(readFileSync(SNAPSHOT_URL, 'utf8')) as IamSnapshot;
  return loaded;
}
