import type { IamSnapshot, SnapshotFacts, SnapshotRole, SnapshotRule } from './iam/snapshot.js';
import { instantiate } from './iam/snapshot.js';
import { chainOf, resolveTargetId } from './organization.js';
import { newRole } from './services/iam.js';
import type { SimAccount, SimState } from './state.js';

/**
 * The member baseline StackSet as the sandbox runs it: service-managed with automatic deployment, so every
 * account under a targeted root, OU or account id (minus the excluded ones) gets the stack instances — the
 * roles the snapshot lists and the forwarding rule in every Region — and loses them when it leaves. Accounts
 * present at world start have them from the start; an account that joins or moves in gets them
 * `delayMinutes` later, which is the window in which it inherits the backup policy without the role the
 * policy names. The management account is skipped, as StackSets skip it.
 */
export interface MemberBaselineDeployment {
  /** Regions the StackSet deploys to; the roles are global and created once. */
  readonly regions: readonly string[];
  /** `root`, OU paths or ids, account ids (the config's `attachTo`). */
  readonly targets: readonly string[];
  readonly excludedAccounts: readonly string[];
  readonly delayMinutes: number;
  /** Placeholder values shared by every account (the account and Region are filled per account). */
  readonly facts: Omit<SnapshotFacts, 'account' | 'region'>;
  readonly template: IamSnapshot['memberBaseline'];
}

const MINUTE_MS = 60_000;

export class MemberBaseline {
  /** Names of what each account got from the baseline, so leaving removes exactly that. */
  private readonly deployed = new Map<string, { roles: string[]; rules: [string, string][] }>();

  constructor(
    private readonly state: SimState,
    private readonly deployment: MemberBaselineDeployment,
    private readonly schedule: (at: Date, run: () => void) => void,
  ) {}

  /** Stack instances for every targeted account that exists now. */
  deployAll(): void {
    for (const account of this.state.organization.accounts.values()) this.reconcile(account.id);
  }

  /** An account joined or moved: the StackSet follows after the deployment delay. */
  accountPlaced(accountId: string): void {
    const at = new Date(this.state.now.getTime() + this.deployment.delayMinutes * MINUTE_MS);
    this.schedule(at, () => this.reconcile(accountId));
  }

  isTargeted(account: SimAccount): boolean {
    const org = this.state.organization;
    if (account.id === org.managementAccountId) return false;
    if (this.deployment.excludedAccounts.includes(account.id)) return false;
    const chain = new Set(chainOf(this.state, account));
    return this.deployment.targets.some((target) => {
      const id = resolveTargetId(this.state, target);
      return id !== undefined && chain.has(id);
    });
  }

  private reconcile(accountId: string): void {
    const account = this.state.account(accountId);
    if (!account) return;
    const targeted = this.isTargeted(account);
    const current = this.deployed.get(accountId);
    // memberRole: false says the StackSet never got an instance into the account (nothing of the baseline).
    if (targeted && !current && account.memberRole) this.deploy(account);
    if (!targeted && current) this.remove(account, current);
  }

  private deploy(account: SimAccount): void {
    const [globalRegion = 'us-east-1'] = this.deployment.regions;
    const facts = { ...this.deployment.facts, account: account.id, region: globalRegion };
    const created = { roles: [] as string[], rules: [] as [string, string][] };
    for (const template of this.deployment.template.roles) {
      const role = instantiate(template, facts);
      // A world may say a part is missing (memberRole: false, baseline drift), or declare the role itself.
      if (this.missingHere(account, role) || account.roles.has(role.name)) continue;
      account.roles.set(role.name, simRole(account.id, role, this.state.now));
      created.roles.push(role.name);
    }
    for (const region of account.baselineDrift.eventForwarding ? [] : this.deployment.regions) {
      const rules = this.deployment.template.rules.map((template) =>
        instantiate(template, { ...facts, region }),
      );
      for (const name of putDefaultBusRules(this.state, account.id, region, rules))
        created.rules.push([region, name]);
    }
    this.deployed.set(account.id, created);
  }

  private missingHere(account: SimAccount, role: SnapshotRole): boolean {
    if (role.name === this.deployment.facts.backupRoleName) return account.baselineDrift.backupRole;
    const trust = JSON.stringify(role.trustPolicy ?? {});
    return trust.includes('events.amazonaws.com') && account.baselineDrift.eventForwarding;
  }

  private remove(account: SimAccount, deployed: { roles: string[]; rules: [string, string][] }): void {
    for (const name of deployed.roles) account.roles.delete(name);
    for (const [region, name] of deployed.rules)
      this.state.region(account.id, region).eventRules.delete(name);
    this.deployed.delete(account.id);
  }
}

/** Creates the rules (already instantiated) a stack puts on a Region's default bus; returns the new ones' names. */
export function putDefaultBusRules(
  state: SimState,
  accountId: string,
  region: string,
  rules: readonly SnapshotRule[],
): string[] {
  const regionState = state.region(accountId, region);
  const created: string[] = [];
  for (const rule of rules) {
    if (rule.eventBusName !== 'default' || regionState.eventRules.has(rule.name)) continue;
    regionState.eventRules.set(rule.name, {
      name: rule.name,
      arn: `arn:aws:events:${region}:${accountId}:rule/${rule.name}`,
      eventPattern: JSON.stringify(rule.eventPattern),
      state: rule.state,
      targets: new Map(
        rule.targets.map((target) => [
          target.id,
          { Id: target.id, Arn: target.arn, ...(target.roleArn ? { RoleArn: target.roleArn } : {}) },
        ]),
      ),
    });
    created.push(rule.name);
  }
  return created;
}

/** A snapshot role (already instantiated) as an IAM role of the simulated account. */
export function simRole(accountId: string, role: SnapshotRole, now: Date) {
  const created = newRole(accountId, role.name, JSON.stringify(role.trustPolicy ?? {}), now);
  created.managedPolicyArns.push(...role.managedPolicyArns);
  for (const policy of role.policies)
    created.inlinePolicies.set(policy.name, JSON.stringify(policy.document));
  return created;
}
