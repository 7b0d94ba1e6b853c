import { describe, expect, it } from 'vitest';
import { restoreTestingCheck } from '../../../shared/domain/checks/restore-testing.js';
import { restoreOutcome, restoreWarnings } from '../../../shared/domain/evaluate/restore-tests.js';
import type {
  CheckStatus,
  ObservedRestoreTesting,
  ReasonCode,
  RestoreJobOutcome,
} from '../../../shared/domain/model.js';
import { desiredState, NOW } from '../fixtures/desired.js';
import { compliantTarget, ebsVolumeArn, hoursBefore, selectedResource } from '../fixtures/observed.js';

const spec = {
  planName: 'orgbackup_restore_tests',
  schedule: 'cron(0 5 ? * * *)',
  resourceTypes: ['EBS'],
  windowDays: 7,
  maxRestoresPerDay: 10,
  metadataOverrides: {},
};
const desired = desiredState({ restoreTesting: spec });
const plan = { name: spec.planName, arn: 'arn:plan', schedule: spec.schedule, lastRun: hoursBefore(7) };
const selections = [{ name: 'orgbackup_EBS', resourceType: 'EBS' }];

const job = (overrides: Partial<RestoreJobOutcome>): RestoreJobOutcome => ({
  jobId: 'job-1',
  resourceType: 'EBS',
  sourceResourceArn: ebsVolumeArn(),
  status: 'COMPLETED',
  statusMessage: null,
  creationDate: hoursBefore(6),
  validationStatus: null,
  restoreTestingPlanArn: 'arn:plan',
  ...overrides,
});
const noDefaultVpc = job({
  status: 'FAILED',
  statusMessage: 'No default VPC found in this Region. Provide a subnet in the restore metadata overrides.',
});
const corrupt = job({ status: 'FAILED', statusMessage: 'The restored volume failed to become available.' });

interface Row {
  why: string;
  testing: ObservedRestoreTesting | undefined;
  configured?: boolean;
  tagged?: boolean;
  status: CheckStatus;
  reason?: ReasonCode;
}

const observedWith = (overrides: Partial<ObservedRestoreTesting>): ObservedRestoreTesting => ({
  plan,
  selections,
  serviceLinkedRole: true,
  jobs: [],
  ...overrides,
});

const rows: Row[] = [
  { why: 'restoreTesting is not configured', testing: undefined, configured: false, status: 'SKIPPED' },
  { why: 'no tagged resource of a tested type', testing: observedWith({}), tagged: false, status: 'PASS' },
  {
    why: 'the plan is missing',
    testing: observedWith({ plan: null, selections: [] }),
    status: 'FAIL',
    reason: 'RESTORE_TESTING_MISSING',
  },
  {
    why: "the type's selection is missing",
    testing: observedWith({ selections: [] }),
    status: 'FAIL',
    reason: 'RESTORE_TESTING_MISSING',
  },
  {
    why: 'the service-linked role is missing',
    testing: observedWith({ serviceLinkedRole: false }),
    status: 'FAIL',
    reason: 'RESTORE_TESTING_MISSING',
  },
  {
    why: 'the plan has not run yet: set up, not failing',
    testing: observedWith({ plan: { ...plan, lastRun: null } }),
    status: 'PASS',
  },
  { why: 'a restore succeeded in the window', testing: observedWith({ jobs: [job({})] }), status: 'PASS' },
  {
    why: 'the plan ran and nothing restored',
    testing: observedWith({}),
    status: 'WARN',
    reason: 'RESTORE_UNTESTED',
  },
  {
    why: 'the only success is older than the window',
    testing: observedWith({ jobs: [job({ creationDate: hoursBefore(8 * 24) })] }),
    status: 'WARN',
    reason: 'RESTORE_UNTESTED',
  },
  {
    why: 'the backup did not restore',
    testing: observedWith({ jobs: [corrupt] }),
    status: 'FAIL',
    reason: 'RESTORE_TEST_FAILED',
  },
  {
    why: 'the restore completed but its validation failed',
    testing: observedWith({ jobs: [job({ validationStatus: 'FAILED' })] }),
    status: 'FAIL',
    reason: 'RESTORE_TEST_FAILED',
  },
  {
    why: 'no default VPC: blocked by the account, not a broken backup',
    testing: observedWith({ jobs: [noDefaultVpc] }),
    status: 'WARN',
    reason: 'RESTORE_TEST_BLOCKED',
  },
  {
    why: 'a later success of the same resource outweighs its earlier failure',
    testing: observedWith({ jobs: [corrupt, job({ jobId: 'job-2', creationDate: hoursBefore(1) })] }),
    status: 'PASS',
  },
  {
    why: 'another resource restoring fine does not hide one whose backup does not restore',
    testing: observedWith({
      jobs: [corrupt, job({ jobId: 'job-2', sourceResourceArn: ebsVolumeArn(undefined, 'vol-other') })],
    }),
    status: 'FAIL',
    reason: 'RESTORE_TEST_FAILED',
  },
];

describe('RESTORE_TESTING check', () => {
  it.each(rows)('$status $reason — $why', ({ testing, configured, tagged, status, reason }) => {
    const wanted = configured === false ? desiredState() : desired;
    const observed = compliantTarget(wanted, undefined, {
      resources: tagged === false ? [] : [selectedResource(wanted, ebsVolumeArn())],
      ...(testing ? { restoreTesting: testing } : {}),
    });
    const result = restoreTestingCheck.evaluate({
      desired: wanted,
      observed,
      org: { crossAccountBackupEnabled: true },
      now: NOW,
    });
    expect(result.status).toBe(status);
    expect(result.reason).toBe(reason);
    expect(result.detail.length).toBeGreaterThan(20);
  });

  it.each([
    ['COMPLETED', null, 'SUCCEEDED'],
    ['RUNNING', null, 'UNFINISHED'],
    ['FAILED', 'Subnet subnet-0abc does not exist.', 'INFRASTRUCTURE'],
    ['FAILED', 'Insufficient capacity in the availability zone.', 'INFRASTRUCTURE'],
    ['ABORTED', 'The job was cancelled.', 'DID_NOT_RESTORE'],
  ] as const)('a %s restore job saying %j is %s', (status, statusMessage, outcome) => {
    expect(restoreOutcome(job({ status, statusMessage }))).toBe(outcome);
  });

  describe('RESTORE_UNTESTED on findings', () => {
    const volume = ebsVolumeArn();
    const nearMiss = ebsVolumeArn(undefined, 'vol-nearmiss');
    const observed = (testing: ObservedRestoreTesting | undefined, wanted = desired) =>
      compliantTarget(wanted, undefined, {
        resources: [selectedResource(wanted, volume), { arn: nearMiss, tags: { BackupEnabled: 'yes' } }],
        ...(testing ? { restoreTesting: testing } : {}),
      });

    it('warns every selected resource of a type without a successful restore in the window, and no other', () => {
      const warnings = restoreWarnings(desired, observed(observedWith({ jobs: [corrupt] })), NOW);
      expect([...warnings.keys()]).toEqual([volume]);
      expect(warnings.get(volume)).toEqual([
        {
          code: 'RESTORE_UNTESTED',
          why: expect.stringMatching(/No EBS restore test succeeded .* 7 days/),
        },
      ]);
    });

    it('says nothing once a restore of the type succeeded, or where restore testing is off or was not read', () => {
      expect(restoreWarnings(desired, observed(observedWith({ jobs: [job({})] })), NOW).size).toBe(0);
      expect(restoreWarnings(desired, observed(undefined), NOW).size).toBe(0);
      expect(restoreWarnings(desiredState(), observed(observedWith({}), desiredState()), NOW).size).toBe(0);
    });
  });
});
