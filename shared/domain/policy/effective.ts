import { ControllerError } from '../errors.js';
import type { EffectivePlan, EffectivePolicy, EffectiveRule, SelectionCondition } from '../model.js';

/**
 * Parses DescribeEffectivePolicy's `PolicyContent`. That output has no operators, lower-cased plan / rule /
 * selection keys and string values ("60"); we also accept `@@assign` wrappers and real numbers, so a policy
 * document parses the same way. Defaults for absent optional fields are AWS's own (start window 8 hours,
 * completion window 7 days, schedule cron(0 5 ? * * *)); absent retention is null (kept forever).
 */

export class EffectivePolicyParseError extends ControllerError {
  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super('EFFECTIVE_POLICY_INVALID', `Effective policy ${path}: ${problem}`, options);
  }
}

const AWS_DEFAULT_SCHEDULE = 'cron(0 5 ? * * *)';
const AWS_DEFAULT_START_WINDOW_MINUTES = 480;
const AWS_DEFAULT_COMPLETION_WINDOW_MINUTES = 10_080;

type Json = Record<string, unknown>;

export function parseEffectivePolicy(json: string): EffectivePolicy {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (error) {
    throw new EffectivePolicyParseError('(document)', 'is not JSON', { cause: error });
  }
  const root = record(document, '(document)');
  const plans = optionalRecord(field(root, 'plans'), 'plans') ?? {};
  return { plans: entries(plans).map(([name, plan]) => parsePlan(name, record(plan, `plans.${name}`))) };
}

function parsePlan(name: string, plan: Json): EffectivePlan {
  const path = `plans.${name}`;
  const rules = optionalRecord(field(plan, 'rules'), `${path}.rules`) ?? {};
  const selections = optionalRecord(field(plan, 'selections'), `${path}.selections`) ?? {};
  const tagSelections = optionalRecord(field(selections, 'tags'), `${path}.selections.tags`) ?? {};
  const resourceSelections =
    optionalRecord(field(selections, 'resources'), `${path}.selections.resources`) ?? {};
  return {
    name,
    regions: stringList(field(plan, 'regions'), `${path}.regions`) ?? [],
    rules: entries(rules).map(([ruleName, rule]) =>
      parseRule(ruleName, record(rule, `${path}.rules.${ruleName}`), `${path}.rules.${ruleName}`),
    ),
    tagSelections: entries(tagSelections).map(([id, selection]) => {
      const at = `${path}.selections.tags.${id}`;
      const entry = record(selection, at);
      return {
        roleArn: requiredString(field(entry, 'iam_role_arn'), `${at}.iam_role_arn`),
        tagKey: requiredString(field(entry, 'tag_key'), `${at}.tag_key`),
        tagValues: stringList(field(entry, 'tag_value'), `${at}.tag_value`) ?? [],
        ...withConditions(parseConditions(field(entry, 'conditions'), `${at}.conditions`)),
      };
    }),
    ...withResourceSelections(
      entries(resourceSelections).map(([id, selection]) => {
        const at = `${path}.selections.resources.${id}`;
        const entry = record(selection, at);
        return {
          roleArn: requiredString(field(entry, 'iam_role_arn'), `${at}.iam_role_arn`),
          resourceTypes: stringList(field(entry, 'resource_types'), `${at}.resource_types`) ?? [],
          notResourceTypes: stringList(field(entry, 'not_resource_types'), `${at}.not_resource_types`) ?? [],
          conditions: parseConditions(field(entry, 'conditions'), `${at}.conditions`),
        };
      }),
    ),
  };
}

/** Only selections that have conditions carry them, so plans without any read as before. */
const withConditions = (conditions: SelectionCondition[]) => (conditions.length > 0 ? { conditions } : {});
const withResourceSelections = (
  selections: NonNullable<EffectivePlan['resourceSelections']>,
): Pick<EffectivePlan, 'resourceSelections'> =>
  selections.length > 0 ? { resourceSelections: selections } : {};

const CONDITION_OPERATORS: Readonly<Record<string, SelectionCondition['operator']>> = {
  string_equals: 'equals',
  string_not_equals: 'notEquals',
  string_like: 'like',
  string_not_like: 'notLike',
};
const RESOURCE_TAG_PREFIX = 'aws:resourcetag/';

/**
 * `conditions.<operator>.<name>.{condition_key, condition_value}`; only resource-tag keys
 * (`aws:ResourceTag/<key>`) can be judged from a resource's tags, so other keys fail to parse loudly.
 */
function parseConditions(value: unknown, path: string): SelectionCondition[] {
  const conditions = optionalRecord(value, path) ?? {};
  return entries(conditions).flatMap(([operatorName, named]) => {
    const operator = CONDITION_OPERATORS[operatorName.toLowerCase()];
    if (!operator) throw new EffectivePolicyParseError(`${path}.${operatorName}`, 'is not a known condition');
    return entries(record(named, `${path}.${operatorName}`)).map(([name, condition]) => {
      const at = `${path}.${operatorName}.${name}`;
      const entry = record(condition, at);
      const key = requiredString(field(entry, 'condition_key'), `${at}.condition_key`);
      if (!key.toLowerCase().startsWith(RESOURCE_TAG_PREFIX)) {
        throw new EffectivePolicyParseError(`${at}.condition_key`, `names no resource tag (${key})`);
      }
      return {
        operator,
        tagKey: key.slice(RESOURCE_TAG_PREFIX.length),
        value: requiredString(field(entry, 'condition_value'), `${at}.condition_value`),
      };
    });
  });
}

function parseRule(name: string, rule: Json, path: string): EffectiveRule {
  const lifecycle = optionalRecord(field(rule, 'lifecycle'), `${path}.lifecycle`) ?? {};
  const copyActions = optionalRecord(field(rule, 'copy_actions'), `${path}.copy_actions`) ?? {};
  return {
    name,
    schedule:
      optionalString(field(rule, 'schedule_expression'), `${path}.schedule_expression`) ??
      AWS_DEFAULT_SCHEDULE,
    startWindowMinutes:
      number(field(rule, 'start_backup_window_minutes'), `${path}.start_backup_window_minutes`) ??
      AWS_DEFAULT_START_WINDOW_MINUTES,
    completionWindowMinutes:
      number(field(rule, 'complete_backup_window_minutes'), `${path}.complete_backup_window_minutes`) ??
      AWS_DEFAULT_COMPLETION_WINDOW_MINUTES,
    vaultName: requiredString(field(rule, 'target_backup_vault_name'), `${path}.target_backup_vault_name`),
    deleteAfterDays: number(field(lifecycle, 'delete_after_days'), `${path}.lifecycle.delete_after_days`),
    coldStorageAfterDays: number(
      field(lifecycle, 'move_to_cold_storage_after_days'),
      `${path}.lifecycle.move_to_cold_storage_after_days`,
    ),
    ...optionalTimezone(rule, path),
    ...(boolean(field(rule, 'enable_continuous_backup'), `${path}.enable_continuous_backup`)
      ? { continuousBackup: true }
      : {}),
    copyActions: entries(copyActions).map(([key, action]) => {
      const at = `${path}.copy_actions.${key}`;
      const entry = record(action, at);
      const copyLifecycle = optionalRecord(field(entry, 'lifecycle'), `${at}.lifecycle`) ?? {};
      return {
        // AWS itself falls back to the key when target_backup_vault_arn is absent.
        targetVaultArn:
          optionalString(field(entry, 'target_backup_vault_arn'), `${at}.target_backup_vault_arn`) ?? key,
        deleteAfterDays: number(
          field(copyLifecycle, 'delete_after_days'),
          `${at}.lifecycle.delete_after_days`,
        ),
      };
    }),
  };
}

function optionalTimezone(rule: Json, path: string): { scheduleTimezone?: string } {
  const zone = optionalString(
    field(rule, 'schedule_expression_timezone'),
    `${path}.schedule_expression_timezone`,
  );
  return zone ? { scheduleTimezone: zone } : {};
}

/** A boolean, or its string form as effective policies print values. */
function boolean(value: unknown, path: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw new EffectivePolicyParseError(path, `is not true or false (${JSON.stringify(value)})`);
}

/** Reads a field by case-insensitive name and unwraps an `@@assign` operator. */
function field(object: Json, name: string): unknown {
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : object[key];
  return isRecord(value) && '@@assign' in value ? value['@@assign'] : value;
}

/** Map entries without operator keys (`@@operators_allowed_for_child_policies`). */
function entries(object: Json): [string, unknown][] {
  return Object.entries(object).filter(([key]) => !key.startsWith('@@'));
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, path: string): Json {
  if (!isRecord(value)) throw new EffectivePolicyParseError(path, 'is not an object');
  return value;
}

function optionalRecord(value: unknown, path: string): Json | null {
  return value === undefined || value === null ? null : record(value, path);
}

function optionalString(value: unknown, path: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new EffectivePolicyParseError(path, 'is not a string');
  return value;
}

function requiredString(value: unknown, path: string): string {
  const text = optionalString(value, path);
  if (text === null || text === '') throw new EffectivePolicyParseError(path, 'is missing');
  return text;
}

/** A list of strings; a lone string counts as a list of one. */
function stringList(value: unknown, path: string): string[] | null {
  if (value === undefined || value === null) return null;
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, index) => {
    if (typeof item !== 'string') throw new EffectivePolicyParseError(`${path}[${index}]`, 'is not a string');
    return item;
  });
}

function number(value: unknown, path: string): number | null {
  if (value === undefined || value === null) return null;
  const parsed =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^-?\d+$/.test(value.trim())
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(parsed))
    throw new EffectivePolicyParseError(path, `is not a number (${JSON.stringify(value)})`);
  // -1 is the API's "keep forever", the same as no retention.
  return parsed === -1 ? null : parsed;
}
