/**
 * Organizations' effective-policy merge for BACKUP_POLICY, as documented
 * (docs/aws-behaviour.md#policy-inheritance): root → OUs → account, policies on the same node in attachment
 * order, value-setting operators `@@assign` / `@@append` / `@@remove` and the child-control operator
 * `@@operators_allowed_for_child_policies`. The output is what DescribeEffectivePolicy returns: keys
 * lower-cased, leaf values as strings (or string lists), no operators.
 *
 * Simplifications (documented in sandbox/README.md): a child-control list on a node governs later levels for
 * that node and everything below it that already existed; a subtree a child policy adds is its own. On the
 * same node, the first-attached policy's `@@assign` wins a conflict, as in AWS's
 * inheritance example 6 (docs/aws-behaviour.md#policy-inheritance).
 */

type Operator = '@@assign' | '@@append' | '@@remove';
const VALUE_OPERATORS: readonly Operator[] = ['@@assign', '@@append', '@@remove'];
const CHILD_CONTROL = '@@operators_allowed_for_child_policies';

export type EffectiveValue = string | string[] | EffectiveNode;
export interface EffectiveNode {
  [key: string]: EffectiveValue;
}

export class PolicyDocumentError extends Error {}

/** Parses a policy's JSON text; throws PolicyDocumentError when it is not a JSON object with `plans`. */
export function parsePolicyDocument(content: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (error) {
    throw new PolicyDocumentError(
      `The provided policy document is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (!isObject(parsed)) throw new PolicyDocumentError('The provided policy document must be a JSON object.');
  const keys = Object.keys(parsed).map((key) => key.toLowerCase());
  if (keys.some((key) => key !== 'plans')) {
    throw new PolicyDocumentError(
      'The provided policy document has an unknown top-level key: only "plans" is allowed.',
    );
  }
  return parsed;
}

/** Levels from the root down to the account; each level lists its policies in attachment order. */
export function mergeEffectivePolicy(
  levels: readonly (readonly Record<string, unknown>[])[],
): EffectiveNode | null {
  const effective: EffectiveNode = {};
  let inherited = new Map<string, Set<Operator>>();
  let any = false;
  for (const level of levels) {
    const setAtThisLevel = new Set<string>();
    const levelRestrictions = new Map<string, Set<Operator>>();
    for (const policy of level) {
      any = true;
      mergeNode(effective, policy, [], { inherited, setAtThisLevel, levelRestrictions, newSubtree: false });
    }
    inherited = intersectRestrictions(inherited, levelRestrictions);
  }
  return any ? effective : null;
}

interface MergeContext {
  readonly inherited: Map<string, Set<Operator>>;
  readonly setAtThisLevel: Set<string>;
  readonly levelRestrictions: Map<string, Set<Operator>>;
  /** True inside a subtree this level created: inherited restrictions do not reach it. */
  readonly newSubtree: boolean;
}

function mergeNode(
  target: EffectiveNode,
  source: Record<string, unknown>,
  path: string[],
  ctx: MergeContext,
): void {
  for (const [rawKey, value] of Object.entries(source)) {
    if (rawKey === CHILD_CONTROL) {
      recordRestriction(ctx.levelRestrictions, pathKey(path), value);
      continue;
    }
    const key = rawKey.toLowerCase();
    const childPath = [...path, key];
    if (!isObject(value)) continue;
    const operator = VALUE_OPERATORS.find((op) => op in value);
    if (operator) {
      if (isObject(value) && CHILD_CONTROL in value)
        recordRestriction(ctx.levelRestrictions, pathKey(childPath), value[CHILD_CONTROL]);
      applyOperator(target, key, operator, value[operator], childPath, ctx);
      continue;
    }
    const existing = target[key];
    if (existing !== undefined && !isEffectiveNode(existing)) continue;
    const isNew = existing === undefined;
    if (isNew && !ctx.newSubtree && !allowed(ctx, path, '@@append')) continue;
    const child: EffectiveNode = existing ?? {};
    mergeNode(child, value, childPath, { ...ctx, newSubtree: ctx.newSubtree || isNew });
    if (isNew && Object.keys(child).length > 0) target[key] = child;
  }
}

function applyOperator(
  target: EffectiveNode,
  key: string,
  operator: Operator,
  raw: unknown,
  path: string[],
  ctx: MergeContext,
): void {
  const here = pathKey(path);
  if (!ctx.newSubtree && target[key] !== undefined && !allowed(ctx, path, operator)) return;
  const incoming = normalizeLeaf(raw);
  const current = target[key];
  if (operator === '@@assign') {
    if (ctx.setAtThisLevel.has(here)) return;
    target[key] = incoming;
    ctx.setAtThisLevel.add(here);
    return;
  }
  const currentList = Array.isArray(current) ? current : typeof current === 'string' ? [current] : [];
  const incomingList = Array.isArray(incoming) ? incoming : [incoming as string];
  target[key] =
    operator === '@@append'
      ? [...currentList, ...incomingList.filter((item) => !currentList.includes(item))]
      : currentList.filter((item) => !incomingList.includes(item));
}

function allowed(ctx: MergeContext, path: string[], operator: Operator): boolean {
  for (let depth = 0; depth <= path.length; depth++) {
    const restriction = ctx.inherited.get(pathKey(path.slice(0, depth)));
    if (restriction && !restriction.has(operator)) return false;
  }
  return true;
}

function recordRestriction(restrictions: Map<string, Set<Operator>>, key: string, value: unknown): void {
  const list = Array.isArray(value) ? value.map(String) : [];
  const ops = new Set<Operator>(
    list.includes('@@all') ? VALUE_OPERATORS : VALUE_OPERATORS.filter((op) => list.includes(op)),
  );
  const existing = restrictions.get(key);
  restrictions.set(key, existing ? new Set([...existing].filter((op) => ops.has(op))) : ops);
}

function intersectRestrictions(
  a: Map<string, Set<Operator>>,
  b: Map<string, Set<Operator>>,
): Map<string, Set<Operator>> {
  const out = new Map(a);
  for (const [key, ops] of b) {
    const existing = out.get(key);
    out.set(key, existing ? new Set([...existing].filter((op) => ops.has(op))) : ops);
  }
  return out;
}

function normalizeLeaf(raw: unknown): EffectiveValue {
  if (Array.isArray(raw)) return raw.map((item) => String(item));
  if (isObject(raw))
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), normalizeLeaf(v)]));
  return String(raw);
}

const pathKey = (path: readonly string[]) => path.join('\u0000');

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEffectiveNode(value: EffectiveValue): value is EffectiveNode {
  return typeof value === 'object' && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------------
// Reading an effective policy as AWS Backup does: only complete plans turn into backup plans.
// ---------------------------------------------------------------------------------------------------------

export interface SimPlanRule {
  readonly name: string;
  readonly schedule: string;
  readonly startWindowMinutes: number;
  readonly completionWindowMinutes: number;
  readonly vaultName: string;
  readonly deleteAfterDays: number | null;
  readonly copyActions: readonly {
    readonly destinationVaultArn: string;
    readonly deleteAfterDays: number | null;
  }[];
}

export interface SimPlanSelection {
  readonly roleArn: string;
  /** Tag selection: tag key and accepted values. */
  readonly tag?: { readonly key: string; readonly values: readonly string[] };
  /** Resource selection: ARN patterns (explicit assignment ignores Region opt-in). */
  readonly resourceTypes?: readonly string[];
  readonly notResourceTypes?: readonly string[];
}

export interface SimPlan {
  readonly name: string;
  readonly regions: readonly string[];
  readonly rules: readonly SimPlanRule[];
  readonly selections: readonly SimPlanSelection[];
}

/** AWS Backup's API defaults for the start and completion windows. */
const DEFAULT_START_WINDOW_MINUTES = 480;
const DEFAULT_COMPLETION_WINDOW_MINUTES = 10080;

export function plansOf(effective: EffectiveNode, accountId: string): SimPlan[] {
  const plans = effective.plans;
  if (!plans || !isEffectiveNode(plans)) return [];
  return Object.entries(plans).flatMap(([name, node]) => {
    if (!isEffectiveNode(node)) return [];
    const plan = readPlan(name, node, accountId);
    return plan ? [plan] : [];
  });
}

function readPlan(name: string, node: EffectiveNode, accountId: string): SimPlan | null {
  const regions = asList(node.regions);
  const rules = isEffectiveNode(node.rules ?? '') ? Object.entries(node.rules as EffectiveNode) : [];
  const selectionsNode = node.selections;
  if (regions.length === 0 || rules.length === 0 || !selectionsNode || !isEffectiveNode(selectionsNode))
    return null;
  const parsedRules = rules.map(([ruleName, rule]) =>
    isEffectiveNode(rule) ? readRule(ruleName, rule, accountId) : null,
  );
  if (parsedRules.some((rule) => rule === null)) return null;
  const selections = [
    ...entriesOf(selectionsNode.tags).map(([, sel]) => {
      const roleArn = asString(sel.iam_role_arn);
      const key = asString(sel.tag_key);
      const values = asList(sel.tag_value);
      return roleArn && key && values.length > 0
        ? { roleArn: substituteAccount(roleArn, accountId), tag: { key, values } }
        : null;
    }),
    ...entriesOf(selectionsNode.resources).map(([, sel]) => {
      const roleArn = asString(sel.iam_role_arn);
      const resourceTypes = asList(sel.resource_types);
      return roleArn && resourceTypes.length > 0
        ? {
            roleArn: substituteAccount(roleArn, accountId),
            resourceTypes,
            notResourceTypes: asList(sel.not_resource_types),
          }
        : null;
    }),
  ];
  if (selections.length === 0 || selections.some((selection) => selection === null)) return null;
  return {
    name,
    regions,
    rules: parsedRules as SimPlanRule[],
    selections: selections as SimPlanSelection[],
  };
}

function readRule(name: string, rule: EffectiveNode, accountId: string): SimPlanRule | null {
  const schedule = asString(rule.schedule_expression);
  const vaultName = asString(rule.target_backup_vault_name);
  if (!schedule || !vaultName) return null;
  const lifecycle = isEffectiveNode(rule.lifecycle ?? '') ? (rule.lifecycle as EffectiveNode) : {};
  return {
    name,
    schedule,
    vaultName,
    startWindowMinutes: asNumber(rule.start_backup_window_minutes) ?? DEFAULT_START_WINDOW_MINUTES,
    completionWindowMinutes:
      asNumber(rule.complete_backup_window_minutes) ?? DEFAULT_COMPLETION_WINDOW_MINUTES,
    deleteAfterDays: asNumber(lifecycle.delete_after_days),
    copyActions: entriesOf(rule.copy_actions).map(([key, action]) => {
      const copyLifecycle = isEffectiveNode(action.lifecycle ?? '')
        ? (action.lifecycle as EffectiveNode)
        : {};
      // Without target_backup_vault_arn AWS uses the (lower-cased) key
      // (docs/aws-behaviour.md#backup-policy-copy-vault-key).
      const arn = asString(action.target_backup_vault_arn) ?? key;
      return {
        destinationVaultArn: substituteAccount(arn, accountId),
        deleteAfterDays: asNumber(copyLifecycle.delete_after_days),
      };
    }),
  };
}

function entriesOf(value: EffectiveValue | undefined): [string, EffectiveNode][] {
  if (!value || !isEffectiveNode(value)) return [];
  return Object.entries(value).filter((entry): entry is [string, EffectiveNode] => isEffectiveNode(entry[1]));
}

const asString = (value: EffectiveValue | undefined): string | null =>
  typeof value === 'string' ? value : null;
const asList = (value: EffectiveValue | undefined): string[] =>
  Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
function asNumber(value: EffectiveValue | undefined): number | null {
  const text = asString(value);
  if (text === null) return null;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

const substituteAccount = (text: string, accountId: string) => text.replaceAll('$account', accountId);
