import { defineCheck } from './check.js';

export const eventForwardingCheck = defineCheck(
  'EVENT_FORWARDING',
  'AWS Backup and tag events reach only the default bus of their own account and Region; without an ' +
    'enabled forwarding rule whose pattern lets them through (and its role) the controller learns of ' +
    'failures and new tags only at the next sweep.',
  ({ desired, observed }, verdict) => {
    const forwarding = desired.eventForwarding;
    if (!forwarding) return verdict.skipped('Event forwarding is not configured.');
    const { ruleExists, targetsBus, roleExists, ruleState, eventPattern } = observed.eventForwarding;
    const rule = `rule ${forwarding.ruleName}`;
    const missing = uncoveredBy(eventPattern, forwarding.eventPattern);
    const gaps = [
      ...(ruleExists ? [] : [`${rule} is missing`]),
      ...(ruleExists && ruleState !== 'ENABLED' ? [`${rule} is ${ruleState ?? 'in an unknown state'}`] : []),
      ...(ruleExists && missing.length > 0 ? [`${rule} does not match ${missing.join(', ')}`] : []),
      ...(ruleExists && !targetsBus ? [`${rule} does not target ${forwarding.busArn}`] : []),
      ...(roleExists ? [] : [`role ${forwarding.roleName} is missing`]),
    ];
    return gaps.length > 0
      ? verdict.fail('EVENT_FORWARDING_MISSING', `Events are not forwarded: ${gaps.join('; ')}.`)
      : verdict.pass(`Events are forwarded to ${forwarding.busArn}.`);
  },
);

/**
 * The sources and detail-types the controller needs that the rule's pattern leaves out. A rule may match
 * more than the controller needs (the baseline may forward CloudTrail events too), never less: a rule kept
 * but pointed at nothing (`{"source":["nothing.matches"]}`) forwards nothing.
 */
function uncoveredBy(actual: string | null, needed: string): string[] {
  const want = patternFields(needed);
  const have = patternFields(actual);
  if (have === null) return want === null ? [] : ['its event pattern (none or unreadable)'];
  if (want === null) return [];
  const lacking = (field: 'source' | 'detail-type') =>
    // A pattern without the field matches every value of it.
    have[field] === null ? [] : (want[field] ?? []).filter((value) => !have[field]?.includes(value));
  return [...lacking('source'), ...lacking('detail-type')];
}

function patternFields(
  pattern: string | null,
): { readonly source: readonly string[] | null; readonly 'detail-type': readonly string[] | null } | null {
  if (pattern === null) return null;
  try {
    const parsed: unknown = JSON.parse(pattern);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const record = parsed as Record<string, unknown>;
    const strings = (value: unknown) =>
      Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : null;
    return { source: strings(record.source), 'detail-type': strings(record['detail-type']) };
  } catch {
    return null;
  }
}
