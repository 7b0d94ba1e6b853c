import { BACKUP_API_EVENT_NAMES, ORG_EVENT_NAMES } from '../shared/domain/events/parse.js';

/**
 * The EventBridge patterns of every rule the app deploys, as plain JSON (the StackSet template and the
 * CDK rules take the same objects). API call names come from the events handler's parser, so the rules
 * deliver exactly what it understands.
 */

const CLOUDTRAIL_API_CALL = 'AWS API Call via CloudTrail';
/** Organizations records some results (CreateAccountResult, CloseAccountResult) as service events. */
const CLOUDTRAIL_SERVICE_EVENT = 'AWS Service Event via CloudTrail';

/** KMS calls that make the keys backups depend on unusable. */
export const KEY_THREAT_EVENT_NAMES = ['ScheduleKeyDeletion', 'DisableKey'] as const;

export type EventPatternJson = Readonly<Record<string, unknown>>;

/**
 * CloudTrail calls in an account that weaken its backups: a vault lock or vault access policy changed or
 * removed, a recovery point or vault deleted, a key disabled or scheduled for deletion. CloudTrail delivers
 * them to the default bus of the account and Region where the call was made, when a trail records
 * management events there (an organization trail covers every member).
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-cloudtrail.html
 */
export const WEAKENING_API_CALLS_PATTERN: EventPatternJson = {
  source: ['aws.backup', 'aws.kms'],
  'detail-type': [CLOUDTRAIL_API_CALL],
  detail: {
    eventSource: ['backup.amazonaws.com', 'kms.amazonaws.com'],
    eventName: [...BACKUP_API_EVENT_NAMES, ...KEY_THREAT_EVENT_NAMES],
  },
};

/**
 * Organizations changes the controller reacts to. Organizations is a global service whose CloudTrail
 * events reach only the management account's default bus in us-east-1.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_security_incident-response.html
 */
export const ORGANIZATIONS_PATTERN: EventPatternJson = {
  source: ['aws.organizations'],
  'detail-type': [CLOUDTRAIL_API_CALL, CLOUDTRAIL_SERVICE_EVENT],
  detail: { eventName: [...ORG_EVENT_NAMES] },
};

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
    'detail-type': [{ 'anything-but': CLOUDTRAIL_API_CALL }],
  },
  tagChanges: { source: ['aws.tag'], 'detail-type': ['Tag Change on Resource'] },
  weakeningApiCalls: WEAKENING_API_CALLS_PATTERN,
  organizations: ORGANIZATIONS_PATTERN,
};
