/**
 * Every event fixture through the real `events` handler, against a sandbox organization shaped like the
 * fixtures (after one scheduled sweep). Each row says what the event must do: be counted and dropped, have
 * its targets reconciled as a run with trigger `event`, and/or change one resource's finding at once. The
 * rows run in order on one organization; completed-job rows come last because a recorded success makes
 * older failures stale.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReasonCode, ResourceStatus } from '../../shared/domain/model.js';
import { type EventsBench, startEventsBench } from '../e2e-events/support.js';
import { EVENT_FIXTURE_NAMES, loadEventFixture } from '../fixtures/events/index.js';
import {
  eventFixtureConfig,
  eventFixtureWorld,
  INSTANCE,
  MEMBER,
  NEW_ACCOUNT,
  OTHER_MEMBER,
  REGION,
  SCAN_ONLY_REGION,
  VOLUME,
} from '../fixtures/worlds/event-fixture-org.js';

const MEMBER_TARGET = `${MEMBER}/${REGION}`;
const S3_BUCKET = 'arn:aws:s3:::acme-invoices-prod';
const STACK = `arn:aws:cloudformation:${REGION}:${MEMBER}:stack/app/5b8f0a70-0c2d-11ef-9a1b-0a1b2c3d4e5f`;
const SCAN_ONLY_VOLUME = `arn:aws:ec2:${SCAN_ONLY_REGION}:${MEMBER}:volume/vol-0a1b2c3d4e5f6a7b8`;

interface ImmediateChange {
  readonly arn: string;
  readonly status: ResourceStatus;
  readonly reasons: readonly ReasonCode[];
  /** Set for a newly tagged resource: the next run after the tagging + start and completion windows. */
  readonly expectedBy?: string;
  /**
   * Its status once the event's own reconcile has re-evaluated it (null: it has no finding). A resource the
   * Tagging API does not return (these worlds never hold it) keeps the event's finding for a day, as absent.
   */
  readonly settled: ResourceStatus | null;
}

interface Row {
  readonly fixture: string;
  readonly kind: string;
  readonly why: string;
  /** Why it is dropped (matched against the logged reason); absent when it is acted on. */
  readonly ignored?: RegExp;
  /** Why it is rejected as untrusted (counted as EventsRejected); it changes nothing either. */
  readonly rejected?: RegExp;
  /** Targets reconciled in one run with trigger `event`. */
  readonly targets?: readonly string[];
  readonly immediate?: ImmediateChange;
  /** A completed job only dates the newest recovery point or copy; nothing is reconciled. */
  readonly dates?: { readonly field: 'lastBackupTime' | 'lastCopyTime'; readonly at: string };
}

const ROWS: readonly Row[] = [
  // The organization: the policy, and accounts moving or appearing.
  {
    fixture: 'org-attach-policy',
    kind: 'org-api-call',
    targets: ['org'],
    why: 'a policy attached by hand may change effective policies',
  },
  {
    fixture: 'org-detach-policy',
    kind: 'org-api-call',
    targets: ['org'],
    why: 'a detached controller policy is drift to repair',
  },
  {
    fixture: 'org-update-policy',
    kind: 'org-api-call',
    targets: ['org'],
    why: 'an edited policy document is drift',
  },
  { fixture: 'org-delete-policy', kind: 'org-api-call', targets: ['org'], why: 'a deleted policy is drift' },
  {
    fixture: 'org-create-ou',
    kind: 'org-api-call',
    targets: ['org'],
    why: 'a new OU may be what attachTo names',
  },
  {
    fixture: 'org-close-account-result',
    kind: 'org-api-call',
    targets: ['org'],
    why: 'a closed account leaves the scope; only the org is re-read',
  },
  {
    fixture: 'org-remove-account',
    kind: 'org-api-call',
    targets: ['org'],
    why: 'a removed account is no longer a target',
  },
  {
    fixture: 'org-create-account-result',
    kind: 'org-api-call',
    targets: ['org', `${NEW_ACCOUNT}/us-east-1`, `${NEW_ACCOUNT}/${REGION}`],
    why: 'a new account is prepared in every configured Region at once',
  },
  {
    fixture: 'org-move-account',
    kind: 'org-api-call',
    targets: ['org', `${OTHER_MEMBER}/us-east-1`, `${OTHER_MEMBER}/${REGION}`],
    why: 'a moved account may inherit another effective policy',
  },
  {
    fixture: 'org-move-excluded-account',
    kind: 'org-api-call',
    targets: ['org'],
    why: 'the excluded account itself is never reconciled',
  },
  {
    fixture: 'org-attach-policy-access-denied',
    kind: 'org-api-call',
    ignored: /failed \(AccessDenied/,
    why: 'a failed call changed nothing',
  },
  {
    fixture: 'org-create-account-failed',
    kind: 'org-api-call',
    ignored: /failed \(EMAIL_ALREADY_EXISTS\)/,
    why: 'no account was created',
  },
  {
    fixture: 'org-detach-policy-from-other-account',
    kind: 'org-api-call',
    ignored: /not the management account/,
    why: 'Organizations calls count only from the management account',
  },
  // Prerequisites changed in a member account.
  {
    fixture: 'backup-delete-vault',
    kind: 'backup-api-call',
    targets: [MEMBER_TARGET],
    why: 'a deleted vault is repaired within minutes',
  },
  {
    fixture: 'backup-delete-vault-lock',
    kind: 'backup-api-call',
    targets: [MEMBER_TARGET],
    why: 'a removed lock is drift',
  },
  {
    fixture: 'backup-put-vault-access-policy',
    kind: 'backup-api-call',
    targets: [MEMBER_TARGET],
    why: 'the access policy may now block copies',
  },
  {
    fixture: 'backup-delete-vault-access-policy',
    kind: 'backup-api-call',
    targets: [MEMBER_TARGET],
    why: 'a deleted access policy may have protected the vault',
  },
  {
    fixture: 'backup-delete-recovery-point',
    kind: 'backup-api-call',
    targets: [MEMBER_TARGET],
    why: 'the newest recovery point may be gone',
  },
  { fixture: 'vault-created', kind: 'vault-change', targets: [MEMBER_TARGET], why: 'a vault appeared' },
  { fixture: 'vault-deleted', kind: 'vault-change', targets: [MEMBER_TARGET], why: 'the vault is gone' },
  {
    fixture: 'vault-modified-locked',
    kind: 'vault-change',
    targets: [MEMBER_TARGET],
    why: 'the lock changed',
  },
  {
    fixture: 'plan-modified',
    kind: 'plan-change',
    targets: [MEMBER_TARGET],
    why: 'the org-managed plan changed',
  },
  {
    fixture: 'plan-deleted',
    kind: 'plan-change',
    targets: [MEMBER_TARGET],
    why: 'the org-managed plan is gone',
  },
  {
    fixture: 'recovery-point-partial',
    kind: 'recovery-point',
    targets: [MEMBER_TARGET],
    why: 'a partial recovery point is looked at by a reconcile',
  },
  {
    fixture: 'recovery-point-team-vault',
    kind: 'recovery-point',
    ignored: /not the policy's vault/,
    why: "a team's own backup is no backup of the policy",
  },
  {
    fixture: 'recovery-point-central-copy',
    kind: 'recovery-point',
    ignored: /central-vault, not the policy's vault/,
    why: 'the world has no central vault: a copy elsewhere in the management account is not the policy’s',
  },
  {
    fixture: 'recovery-point-foreign-resource',
    kind: 'recovery-point',
    rejected: /belongs to account 222222222222/,
    why: "an event naming another account's resource is rejected and counted",
  },
  {
    fixture: 'tag-change-foreign-resource',
    kind: 'tag-change',
    rejected: /belongs to account 222222222222/,
    why: "an account cannot tag another account's resource",
  },
  {
    fixture: 'backup-job-failed-not-an-arn',
    kind: 'backup-job',
    rejected: /is not an ARN/,
    why: 'a resource name that is no ARN is not trusted',
  },
  {
    fixture: 'kms-schedule-key-deletion',
    kind: 'kms-api-call',
    targets: [MEMBER_TARGET],
    why: 'a key scheduled for deletion may be the vault key',
  },
  {
    fixture: 'kms-disable-key',
    kind: 'kms-api-call',
    targets: [MEMBER_TARGET],
    why: 'a disabled key fails the backups that use it',
  },
  {
    fixture: 'region-setting-modified',
    kind: 'region-setting',
    targets: [MEMBER_TARGET],
    why: 'opt-in changed for resource types',
  },
  // Failed jobs: FAILING at once; then the reconcile re-evaluates (the world has no such job: PENDING again).
  {
    fixture: 'backup-job-failed',
    kind: 'backup-job',
    targets: [MEMBER_TARGET],
    immediate: {
      arn: VOLUME,
      status: 'FAILING',
      reasons: ['JOB_FAILED'],
      settled: 'PENDING',
    },
    why: 'the message is not wording AWS published, so it names no cause (the vault check does)',
  },
  {
    fixture: 'backup-job-failed-status-field',
    kind: 'backup-job',
    targets: [MEMBER_TARGET],
    immediate: {
      arn: VOLUME,
      status: 'FAILING',
      reasons: ['JOB_FAILED', 'KMS_ACCESS_DENIED'],
      settled: 'PENDING',
    },
    why: '`status` instead of `state`, and the key is not accessible',
  },
  {
    fixture: 'backup-job-aborted',
    kind: 'backup-job',
    targets: [MEMBER_TARGET],
    immediate: { arn: VOLUME, status: 'FAILING', reasons: ['JOB_FAILED'], settled: 'PENDING' },
    why: 'an aborted job leaves no recovery point',
  },
  {
    fixture: 'backup-job-expired',
    kind: 'backup-job',
    targets: [MEMBER_TARGET],
    immediate: { arn: VOLUME, status: 'FAILING', reasons: ['JOB_FAILED'], settled: 'PENDING' },
    why: 'a job that never started in its window',
  },
  {
    fixture: 'backup-job-partial',
    kind: 'backup-job',
    targets: [MEMBER_TARGET],
    immediate: { arn: STACK, status: 'FAILING', reasons: ['JOB_FAILED'], settled: 'FAILING' },
    why: 'a partial composite backup is a failure (the stack does not exist in the world)',
  },
  {
    fixture: 'backup-job-failed-region-not-in-policy',
    kind: 'backup-job',
    targets: [`${MEMBER}/${SCAN_ONLY_REGION}`],
    immediate: {
      arn: SCAN_ONLY_VOLUME,
      status: 'FAILING',
      reasons: ['JOB_FAILED'],
      settled: 'FAILING',
    },
    why: 'a Region outside the config is still reconciled (scan only)',
  },
  {
    fixture: 'copy-job-failed',
    kind: 'copy-job',
    targets: [MEMBER_TARGET],
    immediate: {
      arn: VOLUME,
      status: 'FAILING',
      reasons: ['COPY_MISSING', 'CENTRAL_VAULT_POLICY_MISSING'],
      settled: 'PENDING',
    },
    why: 'a copy denied by the central vault policy',
  },
  {
    fixture: 'backup-job-failed-excluded-account',
    kind: 'backup-job',
    ignored: /excluded by the config/,
    why: 'excluded accounts are neither prepared nor evaluated',
  },
  {
    fixture: 'backup-job-created',
    kind: 'backup-job',
    ignored: /is CREATED; only finished jobs/,
    why: 'not finished',
  },
  {
    fixture: 'backup-job-pending',
    kind: 'backup-job',
    ignored: /is PENDING; only finished jobs/,
    why: 'not finished',
  },
  {
    fixture: 'backup-job-running',
    kind: 'backup-job',
    ignored: /is RUNNING; only finished jobs/,
    why: 'not finished',
  },
  {
    fixture: 'copy-job-running',
    kind: 'copy-job',
    ignored: /is RUNNING; only finished jobs/,
    why: 'not finished',
  },
  {
    fixture: 'restore-job-created',
    kind: 'restore-job',
    ignored: /restore jobs do not change/,
    why: 'restores are not coverage',
  },
  {
    fixture: 'restore-job-completed',
    kind: 'restore-job',
    ignored: /restore jobs do not change/,
    why: 'restores are not coverage',
  },
  // Tags: the selection tag added, near-missed or removed.
  {
    fixture: 'tag-change-added',
    kind: 'tag-change',
    targets: [MEMBER_TARGET],
    immediate: {
      arn: INSTANCE,
      status: 'PENDING',
      reasons: ['AWAITING_FIRST_BACKUP'],
      expectedBy: '2026-03-05T09:00:00.000Z',
      settled: 'PENDING',
    },
    why: 'tagged at 10:00: the next 05:00 run + 60 min start + 180 min completion (the world never tagged it)',
  },
  {
    fixture: 'tag-change-s3-bucket',
    kind: 'tag-change',
    targets: [MEMBER_TARGET],
    immediate: {
      arn: S3_BUCKET,
      status: 'PENDING',
      reasons: ['AWAITING_FIRST_BACKUP'],
      expectedBy: '2026-03-05T09:00:00.000Z',
      settled: 'PENDING',
    },
    why: 'S3 ARNs carry no account or Region; the envelope names them',
  },
  {
    fixture: 'tag-change-near-miss',
    kind: 'tag-change',
    targets: [MEMBER_TARGET],
    immediate: {
      arn: INSTANCE,
      status: 'UNPROTECTED',
      reasons: ['TAG_VALUE_MISMATCH'],
      settled: 'UNPROTECTED',
    },
    why: 'backupenabled=yes is the gap users cannot see',
  },
  {
    fixture: 'tag-change-removed',
    kind: 'tag-change',
    targets: [MEMBER_TARGET],
    why: 'no finding to change; the reconcile decides',
  },
  {
    fixture: 'tag-change-unrelated',
    kind: 'tag-change',
    ignored: /did not touch BackupEnabled/,
    why: 'another tag changed',
  },
  {
    fixture: 'tag-change-excluded-account',
    kind: 'tag-change',
    ignored: /excluded by the config/,
    why: 'excluded account',
  },
  // Well-formed events the controller does not react to, and unreadable ones.
  {
    fixture: 'unknown-backup-start-backup-job',
    kind: 'unknown',
    ignored: /StartBackupJob does not change/,
    why: 'an API call that changes no prerequisite',
  },
  {
    fixture: 'unknown-ec2-state-change',
    kind: 'unknown',
    ignored: /no handling for aws.ec2/,
    why: 'another source',
  },
  {
    fixture: 'unknown-invalid-effective-tag-policy',
    kind: 'unknown',
    ignored: /Invalid Effective Tag Policy/,
    why: 'another detail-type',
  },
  {
    fixture: 'unknown-org-invite-account',
    kind: 'unknown',
    ignored: /InviteAccountToOrganization does not change/,
    why: 'an invited account is picked up by the sweep once it joins',
  },
  {
    fixture: 'unknown-scan-job',
    kind: 'unknown',
    ignored: /Scan Job State Change/,
    why: 'malware scans are not backups',
  },
  {
    fixture: 'malformed-bad-time',
    kind: 'malformed',
    ignored: /^malformed event: time:/,
    why: 'the envelope time is unreadable',
  },
  {
    fixture: 'malformed-missing-detail',
    kind: 'malformed',
    ignored: /^malformed event: detail:/,
    why: 'no detail',
  },
  {
    fixture: 'malformed-move-account-without-account',
    kind: 'malformed',
    ignored: /requestParameters\.accountId/,
    why: 'MoveAccount without the account',
  },
  {
    fixture: 'malformed-not-an-object',
    kind: 'malformed',
    ignored: /expected object/,
    why: 'a JSON string, not an event',
  },
  {
    fixture: 'malformed-tag-change-without-resource',
    kind: 'malformed',
    ignored: /resources/,
    why: 'a tag change must name its resource',
  },
  {
    fixture: 'malformed-unknown-job-state',
    kind: 'malformed',
    ignored: /detail\.state/,
    why: 'EXPLODED is no job state',
  },
  {
    fixture: 'malformed-wrong-types',
    kind: 'malformed',
    ignored: /detail\.backupJobId/,
    why: 'a number where AWS sends a string',
  },
  // Completed jobs last: their success dates make the older failures above stale.
  {
    fixture: 'recovery-point-completed',
    kind: 'recovery-point',
    immediate: { arn: VOLUME, status: 'PROTECTED', reasons: [], settled: 'PROTECTED' },
    why: 'the first recovery point of the policy turns the PENDING volume PROTECTED at once, without a reconcile',
  },
  {
    fixture: 'backup-job-completed',
    kind: 'backup-job',
    dates: { field: 'lastBackupTime', at: '2026-03-04T05:39:07.223Z' },
    why: 'a success only moves the last backup time; the hourly sweep confirms the status',
  },
  {
    fixture: 'backup-job-completed-with-issues',
    kind: 'backup-job',
    dates: { field: 'lastBackupTime', at: '2026-03-04T05:39:07.223Z' },
    why: 'COMPLETED with a message is still a success',
  },
  {
    fixture: 'copy-job-completed',
    kind: 'copy-job',
    dates: { field: 'lastCopyTime', at: '2026-03-04T05:49:30.000Z' },
    why: 'a completed copy dates the central copy',
  },
];

describe('events handler: every fixture kind, against a sandbox organization', () => {
  let bench: EventsBench;

  beforeAll(async () => {
    bench = await startEventsBench({ world: eventFixtureWorld(), config: eventFixtureConfig() });
    await bench.harness.sweep();
  });
  afterAll(() => bench?.close());

  it('has exactly one row per fixture', () => {
    expect(ROWS.map((row) => row.fixture).sort()).toEqual([...EVENT_FIXTURE_NAMES]);
  });

  it.each(ROWS)('$fixture: $why', async (row) => {
    const { harness, activity, metrics, log } = bench;
    // A minute apart, so each delivery's run and transitions have their own time.
    harness.sim.advanceBy(60_000);
    bench.clearRecords();
    const event = loadEventFixture(row.fixture);
    const runsBefore = (await harness.store.listRuns({ limit: 1000 })).items.length;
    const volumeBefore = await harness.store.getFinding(MEMBER, REGION, VOLUME);

    const response = await bench.deliver([event]);

    expect(response.batchItemFailures).toEqual([]);
    expect(metrics.total('EventsProcessed', { Kind: row.kind })).toBe(1);
    const runs = (await harness.store.listRuns({ limit: 1000 })).items;

    if (row.ignored || row.rejected) {
      const message = row.rejected ? 'Event rejected' : 'Event ignored';
      const dropped = log.entries.filter((entry) => entry.message === message);
      const why = row.rejected ?? row.ignored;
      expect(dropped.map((entry) => String(entry.extra?.why))).toEqual([expect.stringMatching(why ?? /^/)]);
      expect(metrics.total('EventsRejected')).toBe(row.rejected ? 1 : 0);
      expect(runs).toHaveLength(runsBefore);
      expect(activity.immediate).toEqual([]);
      expect(activity.reconciled.size).toBe(0);
      expect(await harness.store.getFinding(MEMBER, REGION, VOLUME)).toEqual(volumeBefore);
      return;
    }

    if (row.targets) {
      const eventId = (event as { id: string }).id;
      const runId = `event-${harness.sim.now().toISOString()}-${eventId}`;
      const run = await harness.store.getRun(runId);
      expect(run).toMatchObject({ trigger: 'event', targets: row.targets.length, errors: [] });
      expect(run?.finishedAt).toBe(harness.sim.now().toISOString());
      expect(runs).toHaveLength(runsBefore + 1);
      expect([...activity.reconciled]).toEqual([[runId, [...row.targets]]]);
    } else if (!row.immediate) {
      expect(runs).toHaveLength(runsBefore);
    }

    if (row.immediate) {
      const { arn, status, reasons, expectedBy, settled } = row.immediate;
      expect(activity.immediate).toHaveLength(1);
      const [update] = activity.immediate;
      expect(update?.finding).toMatchObject({ arn, status, reasons });
      expect(update?.transition).toMatchObject({ subject: { kind: 'resource', arn }, to: status });
      if (expectedBy) expect(update?.finding.expectedBy).toBe(expectedBy);
      const region = update?.finding.region ?? '';
      expect((await harness.store.getFinding(MEMBER, region, arn))?.status ?? null).toBe(settled);
    } else if (!row.dates) {
      expect(activity.immediate.filter((update) => update.transition !== null)).toEqual([]);
    }

    if (row.dates) {
      const volume = await harness.store.getFinding(MEMBER, REGION, VOLUME);
      expect(volume?.[row.dates.field]).toBe(row.dates.at);
      expect(volume?.status).toBe(volumeBefore?.status);
    }
  });
});
