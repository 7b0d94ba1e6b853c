import { describe, expect, it } from 'vitest';
import { withAbsentFindings } from '../../../shared/domain/evaluate/absent-resources.js';
import type { ObservedTarget, ResourceFinding } from '../../../shared/domain/model.js';
import { desiredState, NOW } from '../fixtures/desired.js';
import {
  compliantTarget,
  dynamoTableArn,
  ebsVolumeArn,
  HOME_TARGET,
  hoursBefore,
} from '../fixtures/observed.js';

const table = dynamoTableArn();
const volume = ebsVolumeArn();

const storedFinding = (arn: string, absentSince?: Date): ResourceFinding => ({
  ...HOME_TARGET,
  arn,
  resourceType: null,
  status: 'PROTECTED',
  reasons: [],
  detail: 'Backed up.',
  warnings: [],
  lastBackupTime: null,
  lastCopyTime: null,
  expectedBy: null,
  firstSeen: hoursBefore(200).toISOString(),
  since: hoursBefore(100).toISOString(),
  ...(absentSince ? { absentSince: absentSince.toISOString() } : {}),
});

const rows: readonly {
  readonly why: string;
  readonly stored: ResourceFinding;
  readonly observed?: Partial<ObservedTarget>;
  /** The kept finding's absentSince (hours before now); null: the finding leaves. */
  readonly keptSince: number | null;
}[] = [
  { why: 'first run without it: kept, marked absent from now', stored: storedFinding(table), keptSince: 0 },
  { why: 'absent 23 h: still kept', stored: storedFinding(table, hoursBefore(23)), keptSince: 23 },
  { why: 'absent 24 h: leaves', stored: storedFinding(table, hoursBefore(24)), keptSince: null },
  {
    why: "its type's own listing was read in full: gone (or untagged) at once",
    stored: storedFinding(volume),
    observed: { typesListedInFull: ['ec2:volume'] },
    keptSince: null,
  },
  {
    why: 'returned but no longer judged (e.g. its tag says False): leaves at once',
    stored: storedFinding(table),
    observed: { resources: [{ arn: table, tags: { BackupEnabled: 'False' } }] },
    keptSince: null,
  },
  {
    why: 'target unreachable: the evaluator already keeps every finding as UNKNOWN',
    stored: storedFinding(table),
    observed: { reachability: { ok: false, reason: 'ACCOUNT_UNREACHABLE', message: 'no role' } },
    keptSince: null,
  },
];

describe('withAbsentFindings', () => {
  it.each(rows)('$why', ({ stored, observed, keptSince }) => {
    const target = { ...compliantTarget(desiredState()), resources: [], ...observed };
    const findings = withAbsentFindings([], new Map([[stored.arn, stored]]), target, NOW);
    expect(findings.map((finding) => finding.absentSince ?? null)).toEqual(
      keptSince === null ? [] : [hoursBefore(keptSince).toISOString()],
    );
    if (keptSince !== null) expect(findings[0]).toMatchObject({ status: stored.status, since: stored.since });
  });

  it('a judged finding is never doubled by its stored one', () => {
    const judged = storedFinding(table);
    const findings = withAbsentFindings(
      [judged],
      new Map([[table, judged]]),
      compliantTarget(desiredState()),
      NOW,
    );
    expect(findings).toEqual([judged]);
  });
});
