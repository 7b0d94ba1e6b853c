import { describe, expect, it } from 'vitest';
import type { ResourceFinding } from '../../shared/domain/model.js';
import { type Warning, warningFields, withWarnings } from '../../shared/domain/warnings.js';

const lockWarning: Warning = {
  code: 'LOCK_BECOMES_IMMUTABLE',
  why: 'The lock of vault org-backup becomes immutable on 2026-03-09T00:00:00.000Z',
};
const keyWarning: Warning = {
  code: 'KMS_KEY_PENDING_DELETION',
  why: 'Key k-1 is scheduled for deletion on 2026-03-12T01:00:00.000Z.',
};

const finding: ResourceFinding = {
  accountId: '111111111111',
  region: 'eu-west-1',
  arn: 'arn:aws:ec2:eu-west-1:111111111111:volume/vol-1',
  resourceType: 'EBS',
  status: 'PROTECTED',
  reasons: [],
  detail: 'Backed up.',
  warnings: [],
  lastBackupTime: '2026-03-04T05:00:00.000Z',
  lastCopyTime: null,
  expectedBy: null,
  firstSeen: '2026-03-01T00:00:00.000Z',
  since: '2026-03-01T00:00:00.000Z',
};

describe('warnings on a finding', () => {
  it.each([
    { why: 'none: an empty list and no sentence', given: [], codes: [], detail: undefined },
    {
      why: 'codes in the fixed order, sentences as given and ended',
      given: [lockWarning, keyWarning],
      codes: ['KMS_KEY_PENDING_DELETION', 'LOCK_BECOMES_IMMUTABLE'],
      detail: `${lockWarning.why}. ${keyWarning.why}`,
    },
    {
      why: 'a code twice (two keys) is listed once, with both sentences',
      given: [keyWarning, { ...keyWarning, why: 'Key k-2 too.' }],
      codes: ['KMS_KEY_PENDING_DELETION'],
      detail: `${keyWarning.why} Key k-2 too.`,
    },
  ])('$why', ({ given, codes, detail }) => {
    const fields = warningFields(given);
    expect(fields.warnings).toEqual(codes);
    expect(fields.warningDetail).toBe(detail);
  });

  it('adds to the warnings a finding already has, keeping its status and reasons', () => {
    const once = withWarnings(finding, [lockWarning]);
    const twice = withWarnings(once, [{ code: 'RESTORE_UNTESTED', why: 'No EBS restore succeeded.' }]);
    expect(twice.warnings).toEqual(['LOCK_BECOMES_IMMUTABLE', 'RESTORE_UNTESTED']);
    expect(twice.warningDetail).toBe(`${lockWarning.why}. No EBS restore succeeded.`);
    expect(twice.status).toBe('PROTECTED');
    expect(withWarnings(finding, [])).toBe(finding);
  });
});
