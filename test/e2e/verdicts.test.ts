import { describe, expect, it } from 'vitest';
import { REASON_CODES, RESOURCE_STATUSES } from '../../shared/domain/model.js';
import { PREREQUISITE_SCENARIOS } from './prerequisite-scenarios.js';
import { expectedResult, runVerdictScenario, VERDICT_SCENARIOS } from './verdict-scenarios.js';

describe('verdicts of the real controller on purpose-made worlds', () => {
  for (const scenario of VERDICT_SCENARIOS) {
    it(scenario.name, async () => {
      const results = await runVerdictScenario(scenario);
      expect(results).toEqual(scenario.checkpoints.map(expectedResult));
    });
  }

  it('together, the scenarios assert every resource status and every reason code (on a resource or a check), with the prerequisite scenarios', () => {
    const checkpoints = [...VERDICT_SCENARIOS, ...PREREQUISITE_SCENARIOS].flatMap(
      (scenario) => scenario.checkpoints,
    );
    const findings = checkpoints.flatMap((checkpoint) => checkpoint.findings ?? []);
    const statuses = new Set(findings.map((finding) => finding.status));
    const reasons = new Set([
      ...findings.flatMap((finding) => finding.reasons),
      ...checkpoints.flatMap((checkpoint) =>
        (checkpoint.checks ?? []).flatMap((check) => check.reason ?? []),
      ),
    ]);
    expect(RESOURCE_STATUSES.filter((status) => !statuses.has(status))).toEqual([]);
    expect(REASON_CODES.filter((reason) => !reasons.has(reason))).toEqual([]);
  });
});
