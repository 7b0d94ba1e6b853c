import { ClientFactory, type SdkPlugin } from '../../shared/aws/clients.js';
import type { DesiredState } from '../../shared/domain/model.js';

export const MANAGEMENT = '000000000000';
export const MEMBER = '111111111111';
export const OTHER_MEMBER = '222222222222';
export const HOME = 'eu-west-1';

export interface AnsweredCall {
  readonly commandName: string;
  readonly input: Record<string, unknown>;
  readonly accessKeyId: string | undefined;
}

export type Answer = (call: AnsweredCall) => unknown;

/**
 * A standard SDK plugin that answers every command in-process at the build step, i.e. after the client
 * resolved its credentials (so AssumeRole really happens through the factory's provider). This is how the
 * sandbox plugs in; here it lets tests see which credentials each call used.
 */
export function answeringPlugin(answer: Answer, calls: AnsweredCall[] = []): SdkPlugin {
  return {
    applyToStack(stack) {
      stack.add(
        (_next, context) => async (args) => {
          const identity = (
            context as {
              __smithy_context?: { selectedHttpAuthScheme?: { identity?: { accessKeyId?: string } } };
            }
          ).__smithy_context?.selectedHttpAuthScheme?.identity;
          const call = {
            commandName: String(context.commandName),
            input: args.input as Record<string, unknown>,
            accessKeyId: identity?.accessKeyId,
          };
          calls.push(call);
          const output = await answer(call);
          return { output: { $metadata: {}, ...(output as object) }, response: {} };
        },
        { step: 'build', name: 'testAnsweringPlugin', override: true },
      );
    },
  };
}

/** STS that issues access keys naming the assumed account, and denies roles listed in `deniedAccounts`. */
export function assumeRoleAnswer(deniedAccounts: readonly string[] = []): Answer {
  return ({ input }) => {
    const roleArn = String(input.RoleArn);
    const account = roleArn.split(':')[4] ?? '';
    if (deniedAccounts.includes(account)) {
      throw Object.assign(new Error(`User is not authorized to perform: sts:AssumeRole on ${roleArn}`), {
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      });
    }
    return {
      Credentials: {
        AccessKeyId: `AKIA-${account}`,
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3600_000),
      },
    };
  };
}

export function testFactory(plugins: SdkPlugin[] = []): ClientFactory {
  return new ClientFactory({
    managementAccountId: MANAGEMENT,
    memberRoleName: 'OrgBackupControllerMember',
    homeRegion: HOME,
    plugins,
    maxAttempts: 1,
    credentials: async () => ({ accessKeyId: `AKIA-${MANAGEMENT}`, secretAccessKey: 'secret' }),
  });
}

export const CENTRAL = '333333333333';

/** A desired state shaped like buildDesiredState's output, written out so these tests do not depend on it. */
export function desiredState(overrides: Partial<DesiredState> = {}): DesiredState {
  return {
    mode: 'enforce',
    context: { managementAccountId: MANAGEMENT, organizationId: 'o-abc123', homeRegion: HOME },
    selection: { tagKey: 'BackupEnabled', tagValue: 'True' },
    regions: [HOME],
    scanRegions: [],
    attachTo: ['root'],
    excludeAccounts: [],
    plans: [],
    policy: { name: 'org-backup', description: 'managed', content: '{}' },
    vault: { name: 'org-vault', kmsKey: { type: 'aws-managed' }, allowIrreversibleLock: false },
    backupRole: {
      name: 'OrgBackupRole',
      arnTemplate: 'arn:aws:iam::$account:role/OrgBackupRole',
      managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup'],
    },
    memberRoleName: 'OrgBackupControllerMember',
    manageRegionOptIn: true,
    kmsGrants: 'report',
    dynamoDbAdvanced: 'manage',
    blastRadius: { maxAccountsChangedPercent: 50 },
    ...overrides,
  };
}
