/**
 * Turns a raw EventBridge event from the central bus into one normalized `ParsedEvent`. AWS Backup's events
 * are inconsistent (facts §4.1, §10.15): `state` vs `status`, sizes as strings or numbers,
 * `destinationRecoveryPointArn: {}`, locale-formatted dates, `backupPlanRuleId` vs `backupRuleId`, and `""`
 * for "no message". All of that is absorbed here so routing never sees it. Nothing here throws: an event the
 * controller does not react to is `unknown`, one it cannot read is `malformed`, and both carry a reason.
 */
import * as z from 'zod';
import type { JobState } from '../model.js';

interface EventBase {
  /** The EventBridge event id: the idempotency key for the handler. */
  readonly id: string;
  readonly account: string;
  readonly region: string;
  readonly time: Date;
}

export interface BackupJobEvent extends EventBase {
  readonly kind: 'backup-job';
  readonly jobId: string;
  readonly state: JobState;
  readonly resourceArn: string | null;
  readonly resourceType: string | null;
  readonly statusMessage: string | null;
  readonly backupVaultName: string | null;
  readonly backupSizeInBytes: number | null;
  readonly creationDate: Date | null;
  readonly completionDate: Date | null;
  /** Only when AWS sends it as ISO-8601; the locale-formatted variant is dropped rather than guessed. */
  readonly expectedCompletionDate: Date | null;
  readonly createdBy: CreatedBy | null;
}

export interface CopyJobEvent extends EventBase {
  readonly kind: 'copy-job';
  readonly jobId: string;
  readonly state: JobState;
  readonly resourceArn: string | null;
  readonly resourceType: string | null;
  readonly statusMessage: string | null;
  readonly sourceVaultArn: string | null;
  readonly destinationVaultArn: string | null;
  /** null while the copy has no recovery point yet (AWS then sends `{}`). */
  readonly destinationRecoveryPointArn: string | null;
  readonly backupSizeInBytes: number | null;
  readonly creationDate: Date | null;
  readonly completionDate: Date | null;
  readonly createdBy: CreatedBy | null;
}

export interface RestoreJobEvent extends EventBase {
  readonly kind: 'restore-job';
  readonly jobId: string;
  readonly state: string;
  readonly resourceType: string | null;
  readonly createdResourceArn: string | null;
  readonly statusMessage: string | null;
}

export interface RecoveryPointEvent extends EventBase {
  readonly kind: 'recovery-point';
  readonly state: string;
  readonly recoveryPointArn: string | null;
  readonly resourceArn: string | null;
  readonly resourceType: string | null;
  readonly backupVaultName: string | null;
  readonly isEncrypted: boolean | null;
  readonly completionDate: Date | null;
}

export interface VaultChangeEvent extends EventBase {
  readonly kind: 'vault-change';
  readonly state: 'CREATED' | 'MODIFIED' | 'DELETED';
  readonly vaultName: string;
  readonly vaultArn: string | null;
  /** Sent only on MODIFIED. */
  readonly isLocked: boolean | null;
}

export interface PlanChangeEvent extends EventBase {
  readonly kind: 'plan-change';
  readonly state: 'CREATED' | 'MODIFIED' | 'DELETED';
  readonly planId: string;
  readonly planArn: string | null;
  readonly versionId: string | null;
}

export interface RegionSettingEvent extends EventBase {
  readonly kind: 'region-setting';
  readonly state: string;
  readonly optInPreference: Readonly<Record<string, boolean>>;
}

export interface TagChangeEvent extends EventBase {
  readonly kind: 'tag-change';
  readonly resourceArn: string;
  /** Every tag the resource carries after the change (deleted keys are absent). */
  readonly tags: Readonly<Record<string, string>>;
  /** Keys added, updated or deleted by this change. */
  readonly changedKeys: readonly string[];
  readonly service: string | null;
  readonly resourceType: string | null;
}

export const ORG_EVENT_NAMES = [
  'CreateAccountResult',
  'MoveAccount',
  'AttachPolicy',
  'DetachPolicy',
  'UpdatePolicy',
  'DeletePolicy',
] as const;
export type OrgEventName = (typeof ORG_EVENT_NAMES)[number];

export interface OrgApiCallEvent extends EventBase {
  readonly kind: 'org-api-call';
  readonly eventName: OrgEventName;
  /** The account created (CreateAccountResult) or moved (MoveAccount). */
  readonly accountId: string | null;
  /** The root, OU or account a policy was attached to or detached from. */
  readonly targetId: string | null;
  readonly policyId: string | null;
  /** Set when the call failed (CloudTrail `errorCode`, or a FAILED account creation): nothing changed. */
  readonly failure: string | null;
}

export const BACKUP_API_EVENT_NAMES = [
  'DeleteBackupVault',
  'DeleteBackupVaultLockConfiguration',
  'PutBackupVaultAccessPolicy',
  'DeleteRecoveryPoint',
] as const;
export type BackupApiEventName = (typeof BACKUP_API_EVENT_NAMES)[number];

export interface BackupApiCallEvent extends EventBase {
  readonly kind: 'backup-api-call';
  readonly eventName: BackupApiEventName;
  readonly vaultName: string;
  readonly recoveryPointArn: string | null;
  readonly failure: string | null;
}

/** Well-formed, but not something the controller reacts to (another source, detail-type or API call). */
export interface UnknownEvent {
  readonly kind: 'unknown';
  readonly id: string;
  readonly source: string;
  readonly detailType: string;
  readonly why: string;
}

/** Not readable as the event it claims to be. `path` is the zod path of the first problem (`detail.state`). */
export interface MalformedEvent {
  readonly kind: 'malformed';
  readonly id: string | null;
  readonly path: string;
  readonly why: string;
}

export interface CreatedBy {
  readonly backupPlanId: string | null;
  readonly backupPlanArn: string | null;
  /** `backupPlanRuleId` in job events, `backupRuleId` elsewhere. */
  readonly backupRuleId: string | null;
}

export type ParsedEvent =
  | BackupJobEvent
  | CopyJobEvent
  | RestoreJobEvent
  | RecoveryPointEvent
  | VaultChangeEvent
  | PlanChangeEvent
  | RegionSettingEvent
  | TagChangeEvent
  | OrgApiCallEvent
  | BackupApiCallEvent
  | UnknownEvent
  | MalformedEvent;

// ---------------------------------------------------------------------------------------------------------
// Lenient field readers
// ---------------------------------------------------------------------------------------------------------

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function isoDateOrNull(value: unknown): Date | null {
  if (typeof value !== 'string' || !ISO_8601.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Optional dates never make an event malformed: AWS sends some of them in a zone-less locale format. */
const optionalDate = z.unknown().optional().transform(isoDateOrNull);

/** A missing string and `""` both mean "not set" (the PENDING sample has `statusMessage: ""`). */
const optionalText = z
  .string()
  .nullish()
  .transform((value) => (value ? value : null));

/** Sizes are strings in backup-job events and numbers in copy-job events. */
const optionalSize = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((value) => {
    if (value === null || value === undefined || value === '') return null;
    const size = Number(value);
    return Number.isFinite(size) ? size : null;
  });

/** Booleans arrive as strings (`isLocked: "true"`, `isEncrypted: "false"`). */
const stringBoolean = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .transform((value) => value === true || value === 'true');
const optionalStringBoolean = stringBoolean.nullish().transform((value) => value ?? null);

/** `destinationRecoveryPointArn` is an ARN string when available and `{}` before that. */
const arnOrEmptyObject = z
  .unknown()
  .optional()
  .transform((value) => (typeof value === 'string' && value !== '' ? value : null));

const JOB_STATES = [
  'CREATED',
  'PENDING',
  'RUNNING',
  'ABORTING',
  'ABORTED',
  'COMPLETED',
  'FAILED',
  'EXPIRED',
  'PARTIAL',
] as const satisfies readonly JobState[];
const jobState = z.enum(JOB_STATES);
const changeState = z.enum(['CREATED', 'MODIFIED', 'DELETED']);

/**
 * Copies a value found under an alias to its canonical key when the canonical key is absent, so one schema
 * reads both spellings and a missing field is reported under its canonical name.
 */
function withAliases<T extends z.ZodType>(aliases: Readonly<Record<string, string>>, schema: T) {
  return z.preprocess((value) => {
    if (!isPlainObject(value)) return value;
    const normalized: Record<string, unknown> = { ...value };
    for (const [alias, canonical] of Object.entries(aliases)) {
      if (normalized[canonical] === undefined && normalized[alias] !== undefined) {
        normalized[canonical] = normalized[alias];
      }
    }
    return normalized;
  }, schema);
}

const STATE_ALIASES = { status: 'state' } as const;

const createdBy = withAliases(
  { backupPlanRuleId: 'backupRuleId' },
  z.object({ backupPlanId: optionalText, backupPlanArn: optionalText, backupRuleId: optionalText }),
)
  .nullish()
  .transform((value): CreatedBy | null => value ?? null);

// ---------------------------------------------------------------------------------------------------------
// Envelope and per-kind schemas (each reads `{ resources, detail }` so zod paths name the real field)
// ---------------------------------------------------------------------------------------------------------

const envelopeSchema = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  'detail-type': z.string().min(1),
  account: z.string().regex(/^\d{12}$/, 'expected a 12-digit account id'),
  region: z.string().min(1),
  time: z.string().refine((value) => isoDateOrNull(value) !== null, 'expected an ISO-8601 time'),
  resources: z.array(z.string()).optional(),
  detail: z.record(z.string(), z.unknown()),
});
type Envelope = z.output<typeof envelopeSchema>;

const resources = z
  .array(z.string())
  .optional()
  .transform((value) => value ?? []);

const backupJobSchema = z.object({
  resources,
  detail: withAliases(
    STATE_ALIASES,
    z.object({
      backupJobId: z.string().min(1),
      state: jobState,
      resourceArn: optionalText,
      resourceType: optionalText,
      statusMessage: optionalText,
      backupVaultName: optionalText,
      backupSizeInBytes: optionalSize,
      creationDate: optionalDate,
      completionDate: optionalDate,
      expectedCompletionDate: optionalDate,
      createdBy,
    }),
  ),
});

const copyJobSchema = z.object({
  resources,
  detail: withAliases(
    STATE_ALIASES,
    z.object({
      copyJobId: z.string().min(1),
      state: jobState,
      resourceArn: optionalText,
      resourceType: optionalText,
      statusMessage: optionalText,
      sourceBackupVaultArn: optionalText,
      destinationBackupVaultArn: optionalText,
      destinationRecoveryPointArn: arnOrEmptyObject,
      backupSizeInBytes: optionalSize,
      creationDate: optionalDate,
      completionDate: optionalDate,
      createdBy,
    }),
  ),
});

const restoreJobSchema = z.object({
  resources,
  detail: withAliases(
    STATE_ALIASES,
    z.object({
      restoreJobId: z.string().min(1),
      state: z.string().min(1),
      resourceType: optionalText,
      createdResourceArn: optionalText,
      statusMessage: optionalText,
    }),
  ),
});

const recoveryPointSchema = z.object({
  resources,
  detail: withAliases(
    { state: 'status' },
    z.object({
      status: z.string().min(1),
      resourceArn: optionalText,
      resourceType: optionalText,
      backupVaultName: optionalText,
      isEncrypted: optionalStringBoolean,
      completionDate: optionalDate,
    }),
  ),
});

const vaultChangeSchema = z.object({
  resources,
  detail: withAliases(
    STATE_ALIASES,
    z.object({ state: changeState, backupVaultName: z.string().min(1), isLocked: optionalStringBoolean }),
  ),
});

const planChangeSchema = z.object({
  resources,
  detail: withAliases(
    STATE_ALIASES,
    z.object({ state: changeState, backupPlanId: z.string().min(1), versionId: optionalText }),
  ),
});

const regionSettingSchema = z.object({
  detail: withAliases(
    STATE_ALIASES,
    z.object({
      state: z.string().min(1),
      ResourceTypeOptInPreference: z.record(z.string(), stringBoolean).optional(),
    }),
  ),
});

const tagChangeSchema = z.object({
  resources: z.array(z.string().min(1)).min(1, 'a tag change names its resource in resources[0]'),
  detail: z.object({
    'changed-tag-keys': z.array(z.string()),
    tags: z
      .record(z.string(), z.string())
      .nullish()
      .transform((value) => value ?? {}),
    service: optionalText,
    'resource-type': optionalText,
  }),
});

/** The CloudTrail record fields every API-call event shares. */
const cloudTrailRecord = {
  eventSource: z.string().min(1),
  eventName: z.string().min(1),
  awsRegion: optionalText,
  recipientAccountId: optionalText,
  errorCode: optionalText,
};

const cloudTrailEventName = z.object({ detail: z.object(cloudTrailRecord) });

const requiredText = z.string().min(1);

/** Organizations records request fields in camelCase (`accountId`, `targetId`, `policyId`). */
const orgCallSchema = z.object({
  detail: z.discriminatedUnion('eventName', [
    z.object({
      ...cloudTrailRecord,
      eventName: z.literal('CreateAccountResult'),
      serviceEventDetails: z.object({
        createAccountStatus: z.object({
          state: requiredText,
          accountId: optionalText,
          failureReason: optionalText,
        }),
      }),
    }),
    z.object({
      ...cloudTrailRecord,
      eventName: z.literal('MoveAccount'),
      requestParameters: z.object({ accountId: requiredText, destinationParentId: optionalText }),
    }),
    z.object({
      ...cloudTrailRecord,
      eventName: z.enum(['AttachPolicy', 'DetachPolicy']),
      requestParameters: z.object({ policyId: requiredText, targetId: requiredText }),
    }),
    z.object({
      ...cloudTrailRecord,
      eventName: z.enum(['UpdatePolicy', 'DeletePolicy']),
      requestParameters: z.object({ policyId: requiredText }),
    }),
  ]),
});

const backupCallSchema = z.object({
  detail: z.object({
    ...cloudTrailRecord,
    eventName: z.enum(BACKUP_API_EVENT_NAMES),
    requestParameters: z.object({ backupVaultName: requiredText, recoveryPointArn: optionalText }),
  }),
});

// ---------------------------------------------------------------------------------------------------------
// Dispatch
// ---------------------------------------------------------------------------------------------------------

const CLOUDTRAIL_DETAIL_TYPES = new Set(['AWS API Call via CloudTrail', 'AWS Service Event via CloudTrail']);

export function parseEvent(raw: unknown): ParsedEvent {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) {
    const id = isPlainObject(raw) && typeof raw.id === 'string' ? raw.id : null;
    return malformed(id, envelope.error);
  }
  return parseUnderstood(envelope.data);
}

function parseUnderstood(envelope: Envelope): ParsedEvent {
  const base: EventBase = {
    id: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: new Date(envelope.time),
  };
  const { source, 'detail-type': detailType } = envelope;

  if (CLOUDTRAIL_DETAIL_TYPES.has(detailType)) return parseCloudTrail(envelope, base);

  const read = <T>(schema: z.ZodType<T>, toEvent: (parsed: T) => ParsedEvent): ParsedEvent => {
    const parsed = schema.safeParse(envelope);
    return parsed.success ? toEvent(parsed.data) : malformed(envelope.id, parsed.error);
  };

  if (source === 'aws.backup') {
    switch (detailType) {
      case 'Backup Job State Change':
        return read(backupJobSchema, ({ detail }) => ({
          kind: 'backup-job',
          ...base,
          jobId: detail.backupJobId,
          state: detail.state,
          resourceArn: detail.resourceArn,
          resourceType: detail.resourceType,
          statusMessage: detail.statusMessage,
          backupVaultName: detail.backupVaultName,
          backupSizeInBytes: detail.backupSizeInBytes,
          creationDate: detail.creationDate,
          completionDate: detail.completionDate,
          expectedCompletionDate: detail.expectedCompletionDate,
          createdBy: detail.createdBy,
        }));
      case 'Copy Job State Change':
        return read(copyJobSchema, ({ detail }) => ({
          kind: 'copy-job',
          ...base,
          jobId: detail.copyJobId,
          state: detail.state,
          resourceArn: detail.resourceArn,
          resourceType: detail.resourceType,
          statusMessage: detail.statusMessage,
          sourceVaultArn: detail.sourceBackupVaultArn,
          destinationVaultArn: detail.destinationBackupVaultArn,
          destinationRecoveryPointArn: detail.destinationRecoveryPointArn,
          backupSizeInBytes: detail.backupSizeInBytes,
          creationDate: detail.creationDate,
          completionDate: detail.completionDate,
          createdBy: detail.createdBy,
        }));
      case 'Restore Job State Change':
        return read(restoreJobSchema, ({ detail }) => ({
          kind: 'restore-job',
          ...base,
          jobId: detail.restoreJobId,
          state: detail.state,
          resourceType: detail.resourceType,
          createdResourceArn: detail.createdResourceArn,
          statusMessage: detail.statusMessage,
        }));
      case 'Recovery Point State Change':
        return read(recoveryPointSchema, ({ resources, detail }) => ({
          kind: 'recovery-point',
          ...base,
          state: detail.status,
          recoveryPointArn: resources[0] ?? null,
          resourceArn: detail.resourceArn,
          resourceType: detail.resourceType,
          backupVaultName: detail.backupVaultName,
          isEncrypted: detail.isEncrypted,
          completionDate: detail.completionDate,
        }));
      case 'Backup Vault State Change':
        return read(vaultChangeSchema, ({ resources, detail }) => ({
          kind: 'vault-change',
          ...base,
          state: detail.state,
          vaultName: detail.backupVaultName,
          vaultArn: resources[0] ?? null,
          isLocked: detail.isLocked,
        }));
      case 'Backup Plan State Change':
        return read(planChangeSchema, ({ resources, detail }) => ({
          kind: 'plan-change',
          ...base,
          state: detail.state,
          planId: detail.backupPlanId,
          planArn: resources[0] ?? null,
          versionId: detail.versionId,
        }));
      case 'Region Setting State Change':
        return read(regionSettingSchema, ({ detail }) => ({
          kind: 'region-setting',
          ...base,
          state: detail.state,
          optInPreference: detail.ResourceTypeOptInPreference ?? {},
        }));
    }
  }

  if (source === 'aws.tag' && detailType === 'Tag Change on Resource') {
    return read(tagChangeSchema, ({ resources, detail }) => ({
      kind: 'tag-change',
      ...base,
      resourceArn: resources[0]!,
      tags: detail.tags,
      changedKeys: detail['changed-tag-keys'],
      service: detail.service,
      resourceType: detail['resource-type'],
    }));
  }

  return unknown(envelope, `no handling for ${source} "${detailType}" events`);
}

const CLOUDTRAIL_SOURCES: Readonly<Record<string, { source: string; names: readonly string[] }>> = {
  'organizations.amazonaws.com': { source: 'aws.organizations', names: ORG_EVENT_NAMES },
  'backup.amazonaws.com': { source: 'aws.backup', names: BACKUP_API_EVENT_NAMES },
};

function parseCloudTrail(envelope: Envelope, base: EventBase): ParsedEvent {
  const header = cloudTrailEventName.safeParse(envelope);
  if (!header.success) return malformed(envelope.id, header.error);
  const { eventSource, eventName } = header.data.detail;
  const known = CLOUDTRAIL_SOURCES[eventSource];
  if (known === undefined || known.source !== envelope.source) {
    return unknown(envelope, `no handling for CloudTrail events from ${eventSource}`);
  }
  if (!known.names.includes(eventName)) {
    return unknown(envelope, `${eventSource} ${eventName} does not change anything the controller enforces`);
  }
  return eventSource === 'organizations.amazonaws.com'
    ? readOrgCall(envelope, base)
    : readBackupCall(envelope, base);
}

function readOrgCall(envelope: Envelope, base: EventBase): ParsedEvent {
  const parsed = orgCallSchema.safeParse(envelope);
  if (!parsed.success) return malformed(envelope.id, parsed.error);
  const detail = parsed.data.detail;
  const common = { kind: 'org-api-call', ...base, failure: detail.errorCode } as const;
  switch (detail.eventName) {
    case 'CreateAccountResult': {
      const status = detail.serviceEventDetails.createAccountStatus;
      const failure = status.state === 'FAILED' ? (status.failureReason ?? 'FAILED') : common.failure;
      return {
        ...common,
        eventName: detail.eventName,
        accountId: status.accountId,
        targetId: null,
        policyId: null,
        failure,
      };
    }
    case 'MoveAccount':
      return {
        ...common,
        eventName: detail.eventName,
        accountId: detail.requestParameters.accountId,
        targetId: detail.requestParameters.destinationParentId,
        policyId: null,
      };
    case 'AttachPolicy':
    case 'DetachPolicy':
      return {
        ...common,
        eventName: detail.eventName,
        accountId: null,
        targetId: detail.requestParameters.targetId,
        policyId: detail.requestParameters.policyId,
      };
    case 'UpdatePolicy':
    case 'DeletePolicy':
      return {
        ...common,
        eventName: detail.eventName,
        accountId: null,
        targetId: null,
        policyId: detail.requestParameters.policyId,
      };
  }
}

function readBackupCall(envelope: Envelope, base: EventBase): ParsedEvent {
  const parsed = backupCallSchema.safeParse(envelope);
  if (!parsed.success) return malformed(envelope.id, parsed.error);
  const detail = parsed.data.detail;
  return {
    kind: 'backup-api-call',
    ...base,
    // The CloudTrail record names where the call ran; the envelope is a fallback for trimmed records.
    account: detail.recipientAccountId ?? base.account,
    region: detail.awsRegion ?? base.region,
    eventName: detail.eventName,
    vaultName: detail.requestParameters.backupVaultName,
    recoveryPointArn: detail.requestParameters.recoveryPointArn,
    failure: detail.errorCode,
  };
}

function unknown(envelope: Envelope, why: string): UnknownEvent {
  return {
    kind: 'unknown',
    id: envelope.id,
    source: envelope.source,
    detailType: envelope['detail-type'],
    why,
  };
}

function malformed(id: string | null, error: z.ZodError): MalformedEvent {
  const issue = error.issues[0];
  const path = issue === undefined ? '' : issue.path.map(String).join('.');
  const message = issue?.message ?? 'unreadable event';
  return { kind: 'malformed', id, path, why: path === '' ? message : `${path}: ${message}` };
}
