import { describe, expect, it } from 'vitest';
import { PREREQUISITE_SCENARIOS } from './prerequisite-scenarios.js';
import { expectedResult, runVerdictScenario } from './verdict-scenarios.js';

describe('prerequisites and never-weaken writes of the real controller on purpose-made worlds', () => {
  for (const scenario of PREREQUISITE_SCENARIOS) {
    it(scenario.name, async () => {
      const results = await runVerdictScenario(scenario);
      expect(results).toEqual(scenario.checkpoints.map(expectedResult));
    });
  }
});
