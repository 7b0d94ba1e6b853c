import {
  RESTORE_TESTING_SERVICE_LINKED_ROLE,
  restoreResultsByType,
  restoreSelectionName,
  restoreTypesPresent,
} from '../evaluate/restore-tests.js';
import { defineCheck } from './check.js';

const list = (items: readonly string[]) => items.join(', ');

export const restoreTestingCheck = defineCheck(
  'RESTORE_TESTING',
  'A backup is only as good as its restore. Restore testing restores recent recovery points of each tagged ' +
    'resource type on a schedule; a type whose restores fail, or never ran, is not proven recoverable.',
  ({ desired, observed, now }, verdict) => {
    const spec = desired.restoreTesting;
    if (!spec) return verdict.skipped('restoreTesting is not configured.');
    const testing = observed.restoreTesting;
    if (!testing) return verdict.skipped('Restore testing was not read in this Region.');
    const tested = restoreTypesPresent(desired, observed);
    if (tested.length === 0) {
      return verdict.pass('No tagged resource of a configured restore-testing type is here.');
    }
    const selected = new Set(testing.selections.map((selection) => selection.name));
    const missing = [
      ...(testing.plan === null ? [`the plan ${spec.planName}`] : []),
      ...tested
        .filter((type) => !selected.has(restoreSelectionName(type)))
        .map((type) => `the ${type} selection`),
      ...(testing.plan !== null && !testing.serviceLinkedRole ? [RESTORE_TESTING_SERVICE_LINKED_ROLE] : []),
    ];
    if (missing.length > 0) {
      return verdict.fail(
        'RESTORE_TESTING_MISSING',
        `Restore testing is missing ${list(missing)}, so restores of ${list(tested)} are not tested.`,
      );
    }
    const results = restoreResultsByType(spec, testing.jobs, now);
    // The newest restore of some resource did not restore: its backups may be unusable, whatever others did.
    const failed = tested.flatMap((type) => results.get(type)?.didNotRestore ?? []);
    if (failed.length > 0) {
      const details = failed.map(
        (job) =>
          `${job.resourceType} ${job.sourceResourceArn ?? ''} (job ${job.jobId}: ${job.statusMessage ?? job.status})`,
      );
      return verdict.fail(
        'RESTORE_TEST_FAILED',
        `The newest restore test of ${list(details)} failed within ${spec.windowDays} days.`,
      );
    }
    const blocked = tested.filter((type) => {
      const result = results.get(type);
      return result !== undefined && result.lastSuccess === null && result.infrastructure.length > 0;
    });
    if (blocked.length > 0) {
      const details = blocked.map((type) => {
        const job = results.get(type)!.infrastructure[0]!;
        return `${type} (${job.statusMessage ?? job.status})`;
      });
      return verdict.warn(
        'RESTORE_TEST_BLOCKED',
        `Restore tests of ${list(details)} could not run where they restore to; the backups are untested, not broken.`,
      );
    }
    const untested = tested.filter((type) => !results.get(type)?.lastSuccess);
    // A plan that has not run yet is set up, not failing: its first run is the first chance to test.
    if (untested.length > 0 && testing.plan?.lastRun === null) {
      return verdict.pass(
        `Restore testing of ${list(tested)} is set up; it has not run yet (schedule ${testing.plan.schedule}).`,
      );
    }
    if (untested.length > 0) {
      return verdict.warn(
        'RESTORE_UNTESTED',
        `No restore of ${list(untested)} succeeded within ${spec.windowDays} days.`,
      );
    }
    return verdict.pass(`Restores of ${list(tested)} succeeded within ${spec.windowDays} days.`);
  },
);
