import { describe, expect, it } from 'vitest';
import { isSpellingOf, matchSelection } from '../../shared/domain/tags.js';

const selection = { tagKey: 'BackupEnabled', tagValue: 'True' };

describe('matchSelection: selected', () => {
  const cases: { tags: Record<string, string>; why: string }[] = [
    { tags: { BackupEnabled: 'True' }, why: 'exact key and value' },
    { tags: { BackupEnabled: 'True', Team: 'orders' }, why: 'other tags do not matter' },
    { tags: { backupenabled: 'yes', BackupEnabled: 'True' }, why: 'the exact tag wins over a variant' },
    {
      tags: { 'BackupEnabled ': 'true', BackupEnabled: 'True' },
      why: 'a whitespace variant next to the exact tag',
    },
  ];
  it.each(cases)('$tags ($why)', ({ tags }) => {
    expect(matchSelection(tags, selection)).toEqual({ selected: true });
  });
});

describe('matchSelection: near misses (TAG_VALUE_MISMATCH)', () => {
  const cases: { tags: Record<string, string>; key: string; value: string; why: RegExp; reason: string }[] = [
    {
      tags: { BackupEnabled: 'true' },
      key: 'BackupEnabled',
      value: 'true',
      why: /value "true" differs from "True" in letter case/,
      reason: 'value lower case',
    },
    {
      tags: { BackupEnabled: 'TRUE' },
      key: 'BackupEnabled',
      value: 'TRUE',
      why: /value "TRUE" differs/,
      reason: 'value upper case',
    },
    {
      tags: { BackupEnabled: 'yes' },
      key: 'BackupEnabled',
      value: 'yes',
      why: /"yes" means the same as "True"/,
      reason: 'truthy synonym',
    },
    {
      tags: { BackupEnabled: 'Yes' },
      key: 'BackupEnabled',
      value: 'Yes',
      why: /"Yes" means the same/,
      reason: 'capitalised synonym',
    },
    {
      tags: { BackupEnabled: '1' },
      key: 'BackupEnabled',
      value: '1',
      why: /"1" means the same/,
      reason: 'numeric truthy',
    },
    {
      tags: { BackupEnabled: 'on' },
      key: 'BackupEnabled',
      value: 'on',
      why: /"on" means the same/,
      reason: 'on',
    },
    {
      tags: { BackupEnabled: 'enabled' },
      key: 'BackupEnabled',
      value: 'enabled',
      why: /"enabled" means/,
      reason: 'enabled',
    },
    {
      tags: { BackupEnabled: ' True ' },
      key: 'BackupEnabled',
      value: ' True ',
      why: /value " True " has surrounding whitespace/,
      reason: 'value whitespace',
    },
    {
      tags: { backupenabled: 'True' },
      key: 'backupenabled',
      value: 'True',
      why: /key "backupenabled" differs from "BackupEnabled" in letter case/,
      reason: 'key lower case',
    },
    {
      tags: { BACKUPENABLED: 'True' },
      key: 'BACKUPENABLED',
      value: 'True',
      why: /key "BACKUPENABLED" differs/,
      reason: 'key upper case',
    },
    {
      tags: { backupEnabled: 'True' },
      key: 'backupEnabled',
      value: 'True',
      why: /key "backupEnabled" differs/,
      reason: 'camelCase key',
    },
    {
      tags: { 'BackupEnabled ': 'True' },
      key: 'BackupEnabled ',
      value: 'True',
      why: /key "BackupEnabled " has surrounding whitespace/,
      reason: 'trailing space in key',
    },
    {
      tags: { backupenabled: 'yes' },
      key: 'backupenabled',
      value: 'yes',
      why: /key .* in letter case and value "yes" means the same/,
      reason: 'key and value both off',
    },
    {
      tags: { BackupEnabled: 'false', backupenabled: 'true' },
      key: 'backupenabled',
      value: 'true',
      why: /key "backupenabled"/,
      reason: 'a deliberate false on the exact key does not hide a variant',
    },
    {
      tags: { backupenabled: 'true', BackupEnabled: 'TRUE' },
      key: 'BackupEnabled',
      value: 'TRUE',
      why: /value "TRUE"/,
      reason: 'the exact key is reported first',
    },
  ];
  it.each(cases)('$tags ($reason)', ({ tags, key, value, why }) => {
    const match = matchSelection(tags, selection);
    expect(match).toEqual({ selected: false, nearMiss: { key, value, why: expect.stringMatching(why) } });
    expect(match.selected === false && match.nearMiss?.why).toMatch(/selects only BackupEnabled=True/);
  });
});

describe('matchSelection: not selected, no near miss', () => {
  const cases: { tags: Record<string, string>; why: string }[] = [
    { tags: {}, why: 'untagged' },
    { tags: { Team: 'orders' }, why: 'unrelated tags' },
    { tags: { BackupEnabled: 'False' }, why: 'an explicit opt-out is not a near miss' },
    { tags: { BackupEnabled: 'no' }, why: 'a falsy synonym is not a near miss' },
    { tags: { BackupEnabled: '' }, why: 'an empty value is not a near miss' },
    { tags: { BackupEnabledX: 'True' }, why: 'a different key' },
    { tags: { Backup: 'True' }, why: 'a prefix of the key is a different key' },
  ];
  it.each(cases)('$tags ($why)', ({ tags }) => {
    expect(matchSelection(tags, selection)).toEqual({ selected: false, nearMiss: null });
  });

  it.each([
    { tags: { Backup: 'yes' }, nearMiss: false, why: 'synonyms apply only when the wanted value is truthy' },
    { tags: { Backup: 'DAILY' }, nearMiss: true, why: 'but letter case still does' },
  ])('selection Backup=daily: $tags ($why)', ({ tags, nearMiss }) => {
    const match = matchSelection(tags, { tagKey: 'Backup', tagValue: 'daily' });
    expect(match.selected).toBe(false);
    expect(match.selected === false && match.nearMiss !== null).toBe(nearMiss);
  });
});

describe('isSpellingOf', () => {
  it.each([
    { key: 'BackupEnabled', spelling: true, why: 'the exact key' },
    { key: 'backupenabled', spelling: true, why: 'lower case' },
    { key: 'BACKUPENABLED', spelling: true, why: 'upper case' },
    { key: 'bACKUPeNABLED', spelling: true, why: 'any mix of letter case, not only the common ones' },
    { key: ' BackupEnabled ', spelling: true, why: 'surrounding whitespace' },
    { key: 'Backup Enabled', spelling: false, why: 'inner whitespace makes another key' },
    { key: 'BackupEnabledOld', spelling: false, why: 'a longer key is another key' },
  ])('$key → $spelling ($why)', ({ key, spelling }) => {
    expect(isSpellingOf(key, 'BackupEnabled')).toBe(spelling);
  });
});
