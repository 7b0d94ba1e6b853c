import { BackupClient } from '@aws-sdk/client-backup';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Pluggable } from '@smithy/types';
import { parseWorld, SimulatedOrganization, type WorldInput } from '../../sandbox/index.js';

export const MANAGEMENT = '111111111111';
export const PROD = '222222222222';
export const SECURITY = '444444444444';
export const REGION = 'eu-west-1';
export const MEMBER_ROLE = 'OrgBackupControllerRole';

/** A small organization: management at the root, Security and Workloads/Prod OUs. */
export function baseWorld(overrides: Partial<WorldInput> = {}): WorldInput {
  return {
    version: 1,
    start: '2026-03-02T00:00:00Z',
    managementAccountId: MANAGEMENT,
    memberRoleName: MEMBER_ROLE,
    backupPolicyType: 'ENABLED',
    organization: {
      accounts: [MANAGEMENT],
      ous: [
        { name: 'Security', accounts: [SECURITY] },
        { name: 'Workloads', ous: [{ name: 'Prod', accounts: [PROD] }] },
      ],
    },
    ...overrides,
  };
}

export function simulate(world: WorldInput, seed = 7): SimulatedOrganization {
  return SimulatedOrganization.fromWorld(parseWorld(world), { seed });
}

// biome-ignore lint/suspicious/noExplicitAny: any SDK client accepts the sandbox plugin.
type PluggableClient = { middlewareStack: { use(plugin: Pluggable<any, any>): void } };

/** Any SDK client wired to the sandbox the way the production client factory does it. */
export function plugged<T extends PluggableClient>(sim: SimulatedOrganization, client: T): T {
  client.middlewareStack.use(sim.plugin());
  return client;
}

export function memberCredentials(
  sim: SimulatedOrganization,
  accountId: string,
  roleName = MEMBER_ROLE,
): AwsCredentialIdentityProvider {
  const assume = fromTemporaryCredentials({
    params: { RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`, RoleSessionName: 'sandbox-test' },
    masterCredentials: sim.managementCredentials(),
    clientConfig: { region: 'us-east-1' },
    clientPlugins: [sim.plugin()],
  });
  // The session expires on the simulated clock, which the SDK's own identity cache cannot read (it would
  // assume the role again on every call); the controller's ClientFactory is given the simulation's clock.
  let session: Promise<AwsCredentialIdentity> | undefined;
  return () => {
    session ??= assume();
    session.catch(() => {
      session = undefined;
    });
    return session;
  };
}

export function clients(
  sim: SimulatedOrganization,
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider,
  region = REGION,
) {
  const config = { region, credentials, maxAttempts: 1 };
  return {
    backup: plugged(sim, new BackupClient(config)),
    organizations: plugged(sim, new OrganizationsClient(config)),
    tagging: plugged(sim, new ResourceGroupsTaggingAPIClient(config)),
    iam: plugged(sim, new IAMClient(config)),
    kms: plugged(sim, new KMSClient(config)),
    sts: plugged(sim, new STSClient(config)),
  };
}

export const at = (iso: string) => new Date(iso);

export interface PolicyOptions {
  readonly regions?: string[];
  readonly schedule?: string;
  readonly vault?: string;
  readonly deleteAfterDays?: number;
  readonly copyTo?: { arn: string; deleteAfterDays?: number };
  readonly tagValues?: string[];
}

/** A complete backup policy document in the documented syntax (every leaf under @@assign). */
export function backupPolicy(options: PolicyOptions = {}): Record<string, unknown> {
  const copy = options.copyTo;
  return {
    plans: {
      'Org-Daily': {
        regions: { '@@assign': options.regions ?? [REGION] },
        rules: {
          Daily: {
            schedule_expression: { '@@assign': options.schedule ?? 'cron(0 5 ? * * *)' },
            start_backup_window_minutes: { '@@assign': '60' },
            complete_backup_window_minutes: { '@@assign': '180' },
            target_backup_vault_name: { '@@assign': options.vault ?? 'org-backup' },
            lifecycle: { delete_after_days: { '@@assign': String(options.deleteAfterDays ?? 35) } },
            ...(copy
              ? {
                  copy_actions: {
                    [copy.arn]: {
                      target_backup_vault_arn: { '@@assign': copy.arn },
                      lifecycle: { delete_after_days: { '@@assign': String(copy.deleteAfterDays ?? 90) } },
                    },
                  },
                }
              : {}),
          },
        },
        selections: {
          tags: {
            BackupEnabled: {
              iam_role_arn: { '@@assign': 'arn:aws:iam::$account:role/OrgBackupServiceRole' },
              tag_key: { '@@assign': 'BackupEnabled' },
              tag_value: { '@@assign': options.tagValues ?? ['True'] },
            },
          },
        },
      },
    },
  };
}
