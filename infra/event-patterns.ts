import {
  type CloudTrailEventPattern,
  MEMBER_CLOUDTRAIL_EVENT_PATTERNS,
  ORGANIZATIONS_EVENT_PATTERN,
} from '../shared/domain/events/parse.js';

/**
 * The EventBridge patterns of every rule the app deploys, as plain JSON (the StackSet template and the
 * CDK rules take the same objects). The CloudTrail patterns come from the events handler's parser, so the
 * rules deliver exactly what it understands.
 */

export type EventPatternJson = Readonly<Record<string, unknown>>;

const union = (lists: readonly (readonly string[])[]) => [...new Set(lists.flat())];

/**
 * One rule per Region forwards every CloudTrail call the parser reads that weakens backups in an account
 * (vault lock or access policy changed or removed, vault or recovery point deleted, key disabled or
 * scheduled for deletion): the parser's patterns, merged field by field. The merge also admits, say,
 * aws.backup with a KMS call name, which never occurs. CloudTrail delivers these to the default bus of the
 * account and Region where the call was made, when a trail records management events there (an
 * organization trail covers every member).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 */
export const WEAKENING_API_CALLS_PATTERN: EventPatternJson = mergePatterns(MEMBER_CLOUDTRAIL_EVENT_PATTERNS);

function mergePatterns(patterns: readonly CloudTrailEventPattern[]): EventPatternJson {
  return {
    source: union(patterns.map((pattern) => pattern.source)),
    'detail-type': union(patterns.map((pattern) => pattern['detail-type'])),
    detail: {
      eventSource: union(patterns.map((pattern) => pattern.detail.eventSource)),
      eventName: union(patterns.map((pattern) => pattern.detail.eventName)),
    },
  };
}

/**
 * Organizations changes the controller reacts to, as API calls and as service events (CreateAccountResult).
 * Organizations is a global service whose CloudTrail events reach only the management account's default
 * bus in us-east-1.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_security_incident-response.html
 */
export const ORGANIZATIONS_PATTERN: EventPatternJson = { ...ORGANIZATIONS_EVENT_PATTERN };

/** Where Organizations events can be matched: see ORGANIZATIONS_PATTERN. */
export const ORGANIZATIONS_EVENTS_REGION = 'us-east-1';

/**
 * What the central bus accepts from the forwarding rules: AWS Backup service events, tag changes, the
 * weakening API calls, and (from the management account's us-east-1) Organizations events. The member's
 * filter already dropped what does not matter, so these only sort by source.
 */
export const CENTRAL_BUS_PATTERNS: Readonly<Record<string, EventPatternJson>> = {
  backupServiceEvents: {
    source: ['aws.backup'],
    'detail-type': [{ 'anything-but': 'AWS API Call via CloudTrail' }],
  },
  tagChanges: { source: ['aws.tag'], 'detail-type': ['Tag Change on Resource'] },
  weakeningApiCalls: WEAKENING_API_CALLS_PATTERN,
  organizations: ORGANIZATIONS_PATTERN,
};
