/** What `orgbackup doctor` reads besides the organization itself; every read may have failed on its own. */
export type Readable<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

export interface ObservedPolicyOfType {
  readonly id: string;
  readonly name: string;
  readonly awsManaged: boolean;
  /** The policy document as Organizations stores it. */
  readonly content: string;
  /** Roots, OUs and accounts it is attached to directly. */
  readonly targets: readonly string[];
}

/**
 * The controller's member role in one sampled account, as the doctor sees it with the caller's credentials
 * through the access role (a role there that trusts the management account): the member role itself trusts
 * only the controller's functions, so no operator can assume it.
 */
export type MemberRoleProbe =
  | { readonly accountId: string; readonly kind: 'unreadable'; readonly error: string }
  | { readonly accountId: string; readonly kind: 'absent' }
  /** `trustPolicy`: the role's trust policy as GetRole returns it (URL-encoded). */
  | { readonly accountId: string; readonly kind: 'present'; readonly trustPolicy: string };

export interface ObservedReadiness {
  /** `ALL` or `CONSOLIDATED_BILLING`. */
  readonly featureSet: Readable<string>;
  /** Service principals with trusted access to the organization. */
  readonly trustedServices: Readable<readonly string[]>;
  readonly organizationTrails: Readable<
    readonly { readonly name: string; readonly organization: boolean; readonly multiRegion: boolean }[]
  >;
  readonly backupPolicies: Readable<readonly ObservedPolicyOfType[]>;
  readonly serviceControlPolicies: Readable<readonly ObservedPolicyOfType[]>;
  /** The role the doctor looked into member accounts with. */
  readonly accessRoleName: string;
  /** The member role read in a sample of accounts. */
  readonly memberProbes: readonly MemberRoleProbe[];
  /**
   * The Regions enabled (by default or by opting in) in the management account and each sampled member
   * account the access role reached.
   */
  readonly enabledRegions: readonly {
    readonly accountId: string;
    readonly regions: Readable<readonly string[]>;
  }[];
  /** null: the config names no central vault. */
  readonly centralVault: Readable<{ readonly exists: boolean; readonly vaultType: string | null }> | null;
}
