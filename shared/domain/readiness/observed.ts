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

export interface ReachabilityProbe {
  readonly accountId: string;
  readonly reachable: boolean;
  readonly error: string | null;
}

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
  /** The member role assumed in a sample of accounts. */
  readonly memberProbes: readonly ReachabilityProbe[];
  /**
   * The Regions enabled (by default or by opting in) in the management account and each sampled member
   * account the member role reached.
   */
  readonly enabledRegions: readonly {
    readonly accountId: string;
    readonly regions: Readable<readonly string[]>;
  }[];
  /** null: the config names no central vault. */
  readonly centralVault: Readable<{ readonly exists: boolean; readonly vaultType: string | null }> | null;
}
