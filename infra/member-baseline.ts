import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  App,
  Aws,
  CfnCondition,
  CfnParameter,
  DefaultStackSynthesizer,
  Fn,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { CfnRule } from 'aws-cdk-lib/aws-events';
import {
  ArnPrincipal,
  CfnRole,
  PolicyDocument,
  PolicyStatement,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import type { Config } from '../shared/domain/config/index.js';
import { buildDesiredState } from '../shared/domain/desired.js';
import { acknowledgeMemberBaselineFindings } from './nag-acknowledgements.js';
import { controllerPermissions, permissionStatements } from './permissions.js';

/** Names the controller also uses when it checks (and, in enforce mode, repairs) a member account. */
export interface MemberBaselineNames {
  /** The role the controller assumes in every member account (config `memberRoleName`). */
  readonly executionRoleName: string;
  /** The EventBridge rule on each Region's default bus that forwards to the central bus. */
  readonly forwardingRuleName: string;
  /** The role EventBridge assumes to put events on the central bus (one per account, IAM is global). */
  readonly forwardingRoleName: string;
  /** The forwarding rule's event pattern, as the controller renders it. */
  readonly forwardingEventPattern: Record<string, unknown>;
}

export interface MemberBaselineStackProps extends StackProps {
  readonly names: MemberBaselineNames;
  /**
   * False when `memberRoleName` names a role that already exists in every account (for example
   * OrganizationAccountAccessRole or AWSControlTowerExecution): the baseline then only forwards events.
   */
  readonly createExecutionRole: boolean;
}

/** StackSet parameters the management stack fills in at deploy time. */
export const MEMBER_BASELINE_PARAMETERS = {
  controllerRoleArn: 'ControllerRoleArn',
  centralEventBusArn: 'CentralEventBusArn',
  globalResourcesRegion: 'GlobalResourcesRegion',
} as const;

/**
 * What every member account gets through the service-managed StackSet: the controller's execution role and
 * the forwarding of `aws.backup` / `aws.tag` events from each Region's default bus to the central bus.
 *
 * The stack is deployed into every configured Region, but IAM is global: the two roles are created only in
 * the Region passed as `GlobalResourcesRegion` (deployed first), and every Region's rule refers to the role
 * by name. Written with L1 constructs so the template carries no CDK assets, bootstrap rule or metadata —
 * StackSets cannot resolve any of those in member accounts.
 */
export class MemberBaselineStack extends Stack {
  constructor(scope: Construct, id: string, props: MemberBaselineStackProps) {
    super(scope, id, {
      ...props,
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
      analyticsReporting: false,
      description: 'org-backup-controller member baseline: controller execution role and event forwarding',
    });
    const { names } = props;
    const controllerRoleArn = new CfnParameter(this, MEMBER_BASELINE_PARAMETERS.controllerRoleArn, {
      type: 'String',
      description: 'ARN of the controller role in the management account; the only principal trusted.',
      allowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$',
    }).valueAsString;
    const centralEventBusArn = new CfnParameter(this, MEMBER_BASELINE_PARAMETERS.centralEventBusArn, {
      type: 'String',
      description: 'ARN of the central event bus in the management account.',
      allowedPattern: '^arn:aws[a-z-]*:events:[a-z0-9-]+:\\d{12}:event-bus/.+$',
    }).valueAsString;
    const globalResourcesRegion = new CfnParameter(this, MEMBER_BASELINE_PARAMETERS.globalResourcesRegion, {
      type: 'String',
      description: 'The one Region in which the account-global IAM roles are created.',
    }).valueAsString;
    const createsGlobalResources = new CfnCondition(this, 'CreatesGlobalResources', {
      expression: Fn.conditionEquals(Aws.REGION, globalResourcesRegion),
    });

    if (props.createExecutionRole) {
      const executionRole = new CfnRole(this, 'ControllerExecutionRole', {
        roleName: names.executionRoleName,
        description: 'Assumed by org-backup-controller to observe and repair AWS Backup prerequisites.',
        maxSessionDuration: 3600,
        assumeRolePolicyDocument: new PolicyDocument({
          statements: [
            new PolicyStatement({
              actions: ['sts:AssumeRole'],
              principals: [new ArnPrincipal(controllerRoleArn)],
            }),
          ],
        }),
        policies: [
          {
            policyName: 'org-backup-controller',
            policyDocument: new PolicyDocument({
              statements: permissionStatements(this, controllerPermissions('member')),
            }),
          },
        ],
      });
      executionRole.cfnOptions.condition = createsGlobalResources;
    }

    const forwardingRole = new CfnRole(this, 'EventForwardingRole', {
      roleName: names.forwardingRoleName,
      description: 'Lets EventBridge put aws.backup and aws.tag events on the central event bus.',
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
              new PolicyStatement({ actions: ['events:PutEvents'], resources: [centralEventBusArn] }),
            ],
          }),
        },
      ],
    });
    forwardingRole.cfnOptions.condition = createsGlobalResources;

    // Cross-account bus targets must carry RoleArn and must not transform the input (facts §4.3).
    new CfnRule(this, 'EventForwardingRule', {
      name: names.forwardingRuleName,
      description: 'Forwards aws.backup and aws.tag events to the org-backup-controller central bus.',
      eventBusName: 'default',
      eventPattern: names.forwardingEventPattern,
      state: 'ENABLED',
      targets: [
        {
          id: 'central-bus',
          arn: centralEventBusArn,
          roleArn: Stack.of(this).formatArn({
            service: 'iam',
            region: '',
            resource: 'role',
            resourceName: names.forwardingRoleName,
          }),
        },
      ],
    });
  }
}

/**
 * Synthesizes the member baseline in a private App (same feature flags, own cdk-nag run) and returns its
 * template as the JSON text a StackSet's TemplateBody takes. Offline: nothing is looked up or uploaded.
 */
export function renderMemberBaselineTemplate(
  props: MemberBaselineStackProps,
  context: Record<string, unknown>,
): string {
  const outdir = mkdtempSync(join(tmpdir(), 'orgbackup-member-baseline-'));
  try {
    const app = new App({ outdir, context, analyticsReporting: false });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new MemberBaselineStack(app, 'OrgBackupMemberBaseline', props);
    acknowledgeMemberBaselineFindings(stack);
    const template = app.synth().getStackByName(stack.stackName).template;
    return JSON.stringify(template);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The execution role, forwarding rule, role and pattern exactly as the controller checks them in every
 * account (buildDesiredState), so the StackSet and the controller never fight over them. The names and the
 * pattern do not depend on the runtime context; only the bus ARN does, and the StackSet takes that as a
 * parameter.
 */
export function memberBaselineNames(config: Config): MemberBaselineNames {
  const { memberRoleName, eventForwarding } = buildDesiredState(config, {
    managementAccountId: 'resolved-at-deploy-time',
    organizationId: 'resolved-at-deploy-time',
    homeRegion: config.regions[0]!,
    eventBusArn: 'resolved-at-deploy-time',
  });
  return {
    executionRoleName: memberRoleName,
    forwardingRuleName: eventForwarding!.ruleName,
    forwardingRoleName: eventForwarding!.roleName,
    forwardingEventPattern: JSON.parse(eventForwarding!.eventPattern),
  };
}
