import type { Caller } from './call.js';
import type { PolicyDocument } from './iam/policy.js';

/**
 * Access keys the sandbox hands out, and whom they belong to. Key ids spell the account in clear
 * (`AKIA` + account + `MGMT` for the management user, `ASIA` + account + a counter for role sessions) so a
 * key in a log says who used it. A role session (AssumeRole, or a controller function's execution role) acts
 * with its role's policies; the sandbox's IAM authorizer looks them up when it decides a call.
 */
export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** The operator user (tests, `orgbackup plan`) administers the organization. */
const ADMINISTRATOR_ACCESS: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

export class CredentialRegistry {
  private readonly byAccessKey = new Map<string, Caller>();
  private sessions = 0;

  issueUser(accountId: string, userName: string): IssuedCredentials {
    const accessKeyId = `AKIA${accountId}MGMT`;
    this.byAccessKey.set(accessKeyId, {
      accountId,
      arn: `arn:aws:iam::${accountId}:user/${userName}`,
      userId: `AIDA${accountId}USER`,
      policies: [ADMINISTRATOR_ACCESS],
    });
    return { accessKeyId, secretAccessKey: `sandbox-secret-${accountId}` };
  }

  issueSession(accountId: string, roleName: string, sessionName: string): IssuedCredentials {
    this.sessions++;
    const accessKeyId = `ASIA${accountId}${this.sessions.toString(36).toUpperCase().padStart(4, '0')}`;
    const roleId = `AROA${accountId}ROLE`;
    this.byAccessKey.set(accessKeyId, {
      accountId,
      arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      userId: `${roleId}:${sessionName}`,
    });
    return {
      accessKeyId,
      secretAccessKey: `sandbox-secret-${accessKeyId}`,
      sessionToken: `sandbox-session-${accessKeyId}`,
    };
  }

  callerOf(accessKeyId: string): Caller | undefined {
    return this.byAccessKey.get(accessKeyId);
  }
}
