import type { Stack } from 'aws-cdk-lib';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { ControllerFunction } from '../../infra/controller-function.js';
import { MANAGEMENT_ACCOUNT } from './synth-stack.js';

/** A synthesized CloudFormation template, as far as these tests read it. */
export interface TemplateJson {
  readonly Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

export const resourcesOf = (statement: Statement): string[] => {
  const resource = resolveIntrinsics(statement.Resource);
  return (Array.isArray(resource) ? resource : [resource]).map(String);
};

/**
 * Intrinsics made readable: pseudo parameters become the test's management account and the commercial
 * partition, other references `<LogicalId>`, joins are joined. Enough to compare ARNs as text.
 */
export function resolveIntrinsics(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveIntrinsics);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if ('Ref' in object) {
    const ref = String(object.Ref);
    if (ref === 'AWS::Partition') return 'aws';
    if (ref === 'AWS::AccountId') return MANAGEMENT_ACCOUNT;
    return `<${ref}>`;
  }
  if ('Fn::GetAtt' in object) return `<${(object['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => String(resolveIntrinsics(part))).join(separator);
  }
  return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, resolveIntrinsics(inner)]));
}

/** The statements of one role: its inline policies and every AWS::IAM::Policy attached to it. */
export function roleStatements(template: TemplateJson, roleLogicalId: string): Statement[] {
  const role = template.Resources[roleLogicalId];
  const inline = (
    (role?.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]
  ).flatMap((policy) => policy.PolicyDocument.Statement);
  const attached = Object.values(template.Resources)
    .filter(
      ({ Type, Properties }) =>
        Type === 'AWS::IAM::Policy' &&
        (Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleLogicalId),
    )
    .flatMap(({ Properties }) => (Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

/** Every IAM statement of a template: roles' inline policies and AWS::IAM::Policy resources. */
export function allStatements(template: TemplateJson): Statement[] {
  return Object.values(template.Resources).flatMap(({ Type, Properties }) => {
    if (Type === 'AWS::IAM::Policy')
      return (Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    if (Type === 'AWS::IAM::Role') {
      const policies = (Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
      return policies.flatMap((policy) => policy.PolicyDocument.Statement);
    }
    return [];
  });
}

export type FunctionId = 'Sweep' | 'ReconcileTarget' | 'Events' | 'Notify' | 'Report';

/** The logical id of a controller function's role in the management stack. */
export function functionRoleId(stack: Stack, fn: FunctionId): string {
  const controllerFunction = stack.node
    .findChild('Controller')
    .node.findChild(`${fn}Function`) as ControllerFunction;
  return stack.getLogicalId(controllerFunction.role.node.defaultChild as CfnRole);
}

/** The member baseline template the StackSet carries. */
export function memberTemplateOf(template: TemplateJson): TemplateJson {
  const stackSet = Object.values(template.Resources).find(
    (resource) => resource.Type === 'AWS::CloudFormation::StackSet',
  );
  return JSON.parse(stackSet!.Properties.TemplateBody as string) as TemplateJson;
}

export const resourcesOfType = (template: TemplateJson, type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
