import type {
  AssumeRoleCommandInput,
  AssumeRoleCommandOutput,
  GetCallerIdentityCommandOutput,
} from '@aws-sdk/client-sts';
import { type Call, fail, type ServiceHandlers } from '../call.js';
import { ORGANIZATION_ACCESS_ROLE } from './iam.js';

type Out<T> = Omit<T, '$metadata'>;

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
const ROLE_CHAINING_LIMIT_SECONDS = 3600;

function assumeRole(call: Call, input: AssumeRoleCommandInput): Out<AssumeRoleCommandOutput> {
  const match = ROLE_ARN.exec(input.RoleArn ?? '');
  if (!match) fail(call, 'ValidationError', `${input.RoleArn} is not a valid role ARN.`);
  const [, accountId = '', roleName = ''] = match;
  const sessionName = input.RoleSessionName ?? '';
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    fail(call, 'ValidationError', 'RoleSessionName must be 2-64 characters of [\\w+=,.@-].');
  }
  const chained = call.caller.arn.includes(':assumed-role/');
  if (chained && (input.DurationSeconds ?? 3600) > ROLE_CHAINING_LIMIT_SECONDS) {
    fail(
      call,
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  const account = call.state.account(accountId);
  const roleNameAllowed = call.state.memberRoleName === undefined || call.state.memberRoleName === roleName;
  // `memberRole` and `memberRoleName` speak of the controller's role; Organizations' own role exists apart from
  // it, and once a controller is deployed its trust policy decides who may assume it.
  const accessRole = roleName === ORGANIZATION_ACCESS_ROLE && account?.roles.has(roleName) === true;
  if (!accessRole && (!account?.memberRole || !roleNameAllowed)) {
    fail(
      call,
      'AccessDenied',
      `User: ${call.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
    );
  }
  const issued = call.credentials.issueSession(accountId, roleName, sessionName);
  // Expiration on the simulated clock: a client factory given the simulation's clock refreshes the session
  // (and so notices a deleted role) as it would in AWS. The SDK's own cache compares with the wall clock,
  // finds it stale and simply asks the factory's cache again.
  const seconds = typeof input.DurationSeconds === 'number' ? input.DurationSeconds : 3600;
  return {
    Credentials: {
      AccessKeyId: issued.accessKeyId,
      SecretAccessKey: issued.secretAccessKey,
      SessionToken: issued.sessionToken ?? '',
      Expiration: new Date(call.state.now.getTime() + seconds * 1000),
    } as NonNullable<AssumeRoleCommandOutput['Credentials']>,
    AssumedRoleUser: {
      AssumedRoleId: `AROA${accountId}ROLE:${sessionName}`,
      Arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    },
  };
}

function getCallerIdentity(call: Call): Out<GetCallerIdentityCommandOutput> {
  return { Account: call.caller.accountId, Arn: call.caller.arn, UserId: call.caller.userId };
}

export const stsHandlers: ServiceHandlers = { AssumeRole: assumeRole, GetCallerIdentity: getCallerIdentity };
