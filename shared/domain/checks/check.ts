import type { CheckId, CheckResult, DesiredState, ObservedTarget, ReasonCode } from '../model.js';

/** Everything a check may look at for one account × Region. */
export interface CheckContext {
  readonly desired: DesiredState;
  readonly observed: ObservedTarget;
  readonly org: { readonly crossAccountBackupEnabled: boolean | null };
  readonly now: Date;
}

/**
 * One pre-flight rule, in the manner of cdk-nag: an id, the explanation shown next to a FAIL, and a pure
 * evaluation. Checks assume a reachable target; `runChecks` SKIPs them all when it is not.
 */
export interface Check {
  readonly id: CheckId;
  readonly explanation: string;
  evaluate(context: CheckContext): CheckResult;
}

/** Results already bound to the check that gives them. */
export interface Verdicts {
  pass(detail: string): CheckResult;
  fail(reason: ReasonCode, detail: string): CheckResult;
  /** Needs attention, but does not stop backups. */
  warn(reason: ReasonCode, detail: string): CheckResult;
  skipped(detail: string): CheckResult;
}

export function verdictsFor(check: CheckId): Verdicts {
  return {
    pass: (detail) => ({ check, status: 'PASS', detail }),
    fail: (reason, detail) => ({ check, status: 'FAIL', reason, detail }),
    warn: (reason, detail) => ({ check, status: 'WARN', reason, detail }),
    skipped: (detail) => ({ check, status: 'SKIPPED', detail }),
  };
}

export function defineCheck(
  id: CheckId,
  explanation: string,
  evaluate: (context: CheckContext, verdict: Verdicts) => CheckResult,
): Check {
  const verdict = verdictsFor(id);
  return { id, explanation, evaluate: (context) => evaluate(context, verdict) };
}

const SEVERITY: Readonly<Record<CheckResult['status'], number>> = { FAIL: 3, WARN: 2, PASS: 1, SKIPPED: 0 };

/**
 * One check over several subjects (e.g. two vaults): the most severe result, the details of that severity
 * joined; undefined when there is no subject.
 */
export function worstOf(results: readonly CheckResult[]): CheckResult | undefined {
  const [first] = results;
  if (first === undefined) return undefined;
  const worst = results.reduce((a, b) => (SEVERITY[b.status] > SEVERITY[a.status] ? b : a), first);
  const same = results.filter((result) => result.status === worst.status);
  return { ...worst, detail: [...new Set(same.map((result) => result.detail))].join(' ') };
}
