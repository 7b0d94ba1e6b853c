import { AccountDirectory } from './account-directory.js';
import { ActionRepository } from './action-repository.js';
import { CentralCopiesRepository } from './central-copies.js';
import { CentralVaultKeyRecord } from './central-vault-key.js';
import { JobMemoryRepository } from './job-memory.js';
import { ReportQueries } from './report-queries.js';
import { RunLedger } from './run-ledger.js';
import { SharedEffectivePolicies } from './shared-effective-policies.js';
import { TableAccess, type TableAccessOptions } from './table-access.js';
import { TargetRepository } from './target-repository.js';

export type FindingsStoreOptions = TableAccessOptions;

/**
 * The findings store as the controller sees it: current findings and checks per account × Region,
 * transitions, action events and run records, in one DynamoDB table (layout: README.md, keys: keys.ts).
 * Each method is answered by the repository of its aggregate; saves diff against what is stored (diff.ts)
 * and write only rows that changed; every read is a Query on a key, never a Scan.
 */
export class FindingsStore {
  readonly targets: TargetRepository;
  readonly runs: RunLedger;
  readonly actions: ActionRepository;
  readonly reports: ReportQueries;
  readonly directory: AccountDirectory;
  readonly centralCopies: CentralCopiesRepository;
  readonly jobMemory: JobMemoryRepository;
  /** The central vault's key as its own target last observed it, for the targets copying there. */
  readonly centralVaultKey: CentralVaultKeyRecord;
  readonly sharedPolicies: SharedEffectivePolicies;

  constructor(options: FindingsStoreOptions) {
    const table = new TableAccess(options);
    this.targets = new TargetRepository(table);
    this.runs = new RunLedger(table);
    this.actions = new ActionRepository(table);
    this.reports = new ReportQueries(table);
    this.directory = new AccountDirectory(table);
    this.centralCopies = new CentralCopiesRepository(table);
    this.jobMemory = new JobMemoryRepository(table);
    this.centralVaultKey = new CentralVaultKeyRecord(table);
    this.sharedPolicies = new SharedEffectivePolicies(table);
  }

  // Targets: what one account × Region holds.
  loadTarget(...args: Parameters<TargetRepository['loadTarget']>) {
    return this.targets.loadTarget(...args);
  }
  saveTargetResult(...args: Parameters<TargetRepository['saveTargetResult']>) {
    return this.targets.saveTargetResult(...args);
  }
  getFinding(...args: Parameters<TargetRepository['getFinding']>) {
    return this.targets.getFinding(...args);
  }
  putFinding(...args: Parameters<TargetRepository['putFinding']>) {
    return this.targets.putFinding(...args);
  }
  retireTargetsOutside(...args: Parameters<TargetRepository['retireTargetsOutside']>) {
    return this.targets.retireTargetsOutside(...args);
  }
  storedRegionsOf(accountId: string): Promise<string[]> {
    return this.targets.storedRegionsOf(accountId);
  }
  retireTarget(...args: Parameters<TargetRepository['retireTarget']>) {
    return this.targets.retireTarget(...args);
  }
  recordTransitions(...args: Parameters<TargetRepository['recordTransitions']>) {
    return this.targets.recordTransitions(...args);
  }

  // Actions.
  saveOrgActions(...args: Parameters<ActionRepository['saveOrgActions']>) {
    return this.actions.saveOrgActions(...args);
  }
  listActions(...args: Parameters<ActionRepository['listActions']>) {
    return this.actions.listActions(...args);
  }

  // Runs.
  startRun(...args: Parameters<RunLedger['startRun']>) {
    return this.runs.startRun(...args);
  }
  recordRunProgress(...args: Parameters<RunLedger['recordRunProgress']>) {
    return this.runs.recordRunProgress(...args);
  }
  claimAccountChange(runId: string, accountId: string, limit: number): Promise<boolean> {
    return this.runs.claimAccountChange(runId, accountId, limit);
  }
  finishRun(...args: Parameters<RunLedger['finishRun']>) {
    return this.runs.finishRun(...args);
  }
  getRun(...args: Parameters<RunLedger['getRun']>) {
    return this.runs.getRun(...args);
  }
  listRuns(...args: Parameters<RunLedger['listRuns']>) {
    return this.runs.listRuns(...args);
  }
  runActivity(...args: Parameters<RunLedger['runActivity']>) {
    return this.runs.runActivity(...args);
  }

  // Report queries.
  listFindings(...args: Parameters<ReportQueries['listFindings']>) {
    return this.reports.listFindings(...args);
  }
  listChecks(...args: Parameters<ReportQueries['listChecks']>) {
    return this.reports.listChecks(...args);
  }
  getAccountView(...args: Parameters<ReportQueries['getAccountView']>) {
    return this.reports.getAccountView(...args);
  }
  summary() {
    return this.reports.summary();
  }
  saveSummary(...args: Parameters<ReportQueries['saveSummary']>) {
    return this.reports.saveSummary(...args);
  }
  latestReasons() {
    return this.reports.latestReasons();
  }
  latestSummary() {
    return this.reports.latestSummary();
  }
  listTransitions(...args: Parameters<ReportQueries['listTransitions']>) {
    return this.reports.listTransitions(...args);
  }
  listTargets(...args: Parameters<ReportQueries['listTargets']>) {
    return this.reports.listTargets(...args);
  }
  countReasons() {
    return this.reports.countReasons();
  }
  listResourceTransitions(...args: Parameters<ReportQueries['listResourceTransitions']>) {
    return this.reports.listResourceTransitions(...args);
  }

  // The central vault's copies, sliced by source account × Region (written by the org phase).
  saveCentralCopies(...args: Parameters<CentralCopiesRepository['saveCentralCopies']>) {
    return this.centralCopies.saveCentralCopies(...args);
  }

  // A target's job watermark (read before observing it).
  loadJobMemory(accountId: string, region: string) {
    return this.jobMemory.loadJobMemory(accountId, region);
  }
  saveJobMemory(...args: Parameters<JobMemoryRepository['saveJobMemory']>) {
    return this.jobMemory.saveJobMemory(...args);
  }

  // Account directory.
  saveAccountDirectory(...args: Parameters<AccountDirectory['saveAccountDirectory']>) {
    return this.directory.saveAccountDirectory(...args);
  }
  listAccountDirectory(...args: Parameters<AccountDirectory['listAccountDirectory']>) {
    return this.directory.listAccountDirectory(...args);
  }

  // Effective policies the org reconcile shares with the run's targets.
  saveSharedEffectivePolicies(...args: Parameters<SharedEffectivePolicies['saveSharedEffectivePolicies']>) {
    return this.sharedPolicies.saveSharedEffectivePolicies(...args);
  }
  sharedEffectivePolicy(...args: Parameters<SharedEffectivePolicies['sharedEffectivePolicy']>) {
    return this.sharedPolicies.sharedEffectivePolicy(...args);
  }
}
