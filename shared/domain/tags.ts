/**
 * Does a resource's tag set select it for backup, and if not, is it a near miss?
 *
 * Backup policy tag selections are case-sensitive on key and value
 * (docs/aws-behaviour.md#backup-policy-tags-case-sensitive), so `backupenabled=true`
 * silently leaves a resource unprotected when the policy says `BackupEnabled=True`. Those near misses are
 * exactly the gap owners cannot see, so they are reported (TAG_VALUE_MISMATCH) rather than ignored.
 */

export interface TagSelection {
  readonly tagKey: string;
  readonly tagValue: string;
}

export interface NearMiss {
  readonly key: string;
  readonly value: string;
  /** One sentence: what differs and what the tag must be instead. */
  readonly why: string;
}

export type SelectionMatch =
  | { readonly selected: true }
  | { readonly selected: false; readonly nearMiss: NearMiss }
  | { readonly selected: false; readonly nearMiss: null };

/** Values people write when they mean "yes, back this up"; compared lower-cased and trimmed. */
const TRUTHY_VALUES: ReadonlySet<string> = new Set(['true', 'yes', '1', 'on', 'enabled']);

export function matchSelection(
  tags: Readonly<Record<string, string>>,
  selection: TagSelection,
): SelectionMatch {
  if (tags[selection.tagKey] === selection.tagValue) return { selected: true };
  // Prefer the exact key, so a near-miss value on it is reported over a stray key variant.
  const entries = Object.entries(tags).sort(
    ([a], [b]) => Number(b === selection.tagKey) - Number(a === selection.tagKey),
  );
  for (const [key, value] of entries) {
    const keyProblem = describeKey(key, selection.tagKey);
    const valueProblem = describeValue(value, selection.tagValue);
    if (keyProblem === null || valueProblem === null) continue;
    const problems = [keyProblem, valueProblem].filter((problem) => problem !== '');
    return {
      selected: false,
      nearMiss: {
        key,
        value,
        why:
          `${problems.join(' and ')}; the backup policy selects only ${selection.tagKey}=${selection.tagValue} ` +
          '(tag keys and values are case-sensitive).',
      },
    };
  }
  return { selected: false, nearMiss: null };
}

/**
 * Whether a tag key is the selection key or a near miss of it (other letter case, surrounding whitespace).
 * Observers list the keys in use (GetTagKeys) and query GetResources for each spelling this accepts, since
 * TagFilters are case-sensitive and different filters are ANDed (docs/aws-behaviour.md#tagging-getresources-filters).
 */
export function isSpellingOf(key: string, tagKey: string): boolean {
  return key.trim().toLowerCase() === tagKey.toLowerCase();
}

/** '' when the key is exact, a phrase when it is a near miss, null when it is another key altogether. */
function describeKey(key: string, wanted: string): string | null {
  if (key === wanted) return '';
  if (!isSpellingOf(key, wanted)) return null;
  const trimmed = key.trim();
  const parts: string[] = [];
  if (trimmed !== key) parts.push(`key "${key}" has surrounding whitespace`);
  if (trimmed !== wanted) parts.push(`key "${trimmed}" differs from "${wanted}" in letter case`);
  return parts.join(' and ');
}

/** '' when the value is exact, a phrase when it is a near miss, null when it means something else. */
function describeValue(value: string, wanted: string): string | null {
  if (value === wanted) return '';
  const trimmed = value.trim();
  const parts: string[] = [];
  if (trimmed !== value) parts.push(`value "${value}" has surrounding whitespace`);
  if (trimmed.toLowerCase() === wanted.toLowerCase()) {
    if (trimmed !== wanted) parts.push(`value "${trimmed}" differs from "${wanted}" in letter case`);
    return parts.join(' and ');
  }
  if (TRUTHY_VALUES.has(wanted.toLowerCase()) && TRUTHY_VALUES.has(trimmed.toLowerCase())) {
    parts.push(`value "${trimmed}" means the same as "${wanted}" but is not equal to it`);
    return parts.join(' and ');
  }
  return null;
}
