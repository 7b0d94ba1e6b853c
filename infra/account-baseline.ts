import { Aws, Stack } from 'aws-cdk-lib';
import { CfnRule } from 'aws-cdk-lib/aws-events';
import { CfnRole, PolicyDocument, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { EventPatternJson } from './event-patterns.js';

/**
 * The account-global IAM roles and the per-Region forwarding rules every account of the organization
 * needs, written with L1 constructs so the same code serves the member StackSet template (which must carry
 * no assets or bootstrap references), the management stack and its per-Region forwarding stacks. One owner
 * each: the controller only verifies these, it never writes them.
 */

export interface BackupServiceRoleProps {
  /** The role an organization backup policy's `iam_role_arn` names (config `backupRoleName`). */
  readonly roleName: string;
  /** The AWS managed policies AWS Backup needs (backup, restores, and the S3 pair). */
  readonly managedPolicyArns: readonly string[];
}

/** The role AWS Backup assumes for every job the organization policy creates in this account. */
export function backupServiceRole(scope: Construct, id: string, props: BackupServiceRoleProps): CfnRole {
  return new CfnRole(scope, id, {
    roleName: props.roleName,
    description: 'Used by AWS Backup for the jobs of the org-backup-controller backup policy.',
    assumeRolePolicyDocument: new PolicyDocument({
      statements: [
        new PolicyStatement({
          actions: ['sts:AssumeRole'],
          principals: [new ServicePrincipal('backup.amazonaws.com')],
        }),
      ],
    }),
    managedPolicyArns: [...props.managedPolicyArns],
  });
}

export interface EventForwardingRoleProps {
  readonly roleName: string;
  /** The central bus: the only place the role may put events. */
  readonly centralEventBusArn: string;
}

/** The role EventBridge assumes to put this account's events on the central bus (one per account). */
export function eventForwardingRole(scope: Construct, id: string, props: EventForwardingRoleProps): CfnRole {
  return new CfnRole(scope, id, {
    roleName: props.roleName,
    description: 'Lets EventBridge put backup, key, tag and Organizations events on the central event bus.',
    assumeRolePolicyDocument: new PolicyDocument({
      statements: [
        new PolicyStatement({
          actions: ['sts:AssumeRole'],
          principals: [new ServicePrincipal('events.amazonaws.com')],
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      ],
    }),
    policies: [
      {
        policyName: 'put-events-on-central-bus',
        policyDocument: new PolicyDocument({
          statements: [
            new PolicyStatement({ actions: ['events:PutEvents'], resources: [props.centralEventBusArn] }),
          ],
        }),
      },
    ],
  });
}

export interface ForwardingRuleProps {
  /** Fixed, so the controller's EVENT_FORWARDING check can find it. */
  readonly ruleName: string;
  readonly description: string;
  readonly eventPattern: EventPatternJson;
  readonly centralEventBusArn: string;
  /** Name of the forwarding role in the same account (IAM is global, so every Region refers to it by name). */
  readonly roleName: string;
}

/** The id of the one target of every forwarding rule. */
export const FORWARDING_TARGET_ID = 'central-bus';

/**
 * A rule on this Region's default bus (where AWS services deliver their events) whose target is the
 * central bus. A bus in another account needs RoleArn and takes no input transformation; delivery that
 * still fails after a day of retries is dropped, which the hourly sweep covers.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 */
export function forwardingRule(scope: Construct, id: string, props: ForwardingRuleProps): CfnRule {
  return new CfnRule(scope, id, {
    name: props.ruleName,
    description: props.description,
    eventBusName: 'default',
    eventPattern: props.eventPattern,
    state: 'ENABLED',
    targets: [
      {
        id: FORWARDING_TARGET_ID,
        arn: props.centralEventBusArn,
        roleArn: Stack.of(scope).formatArn({
          service: 'iam',
          region: '',
          resource: 'role',
          resourceName: props.roleName,
        }),
      },
    ],
  });
}
