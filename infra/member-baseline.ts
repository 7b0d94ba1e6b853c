import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  App,
  Aws,
  CfnCondition,
  CfnParameter,
  type CfnResource,
  DefaultStackSynthesizer,
  Fn,
  type IStackSynthesizer,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { CfnRole, PolicyDocument } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import type { Config } from '../shared/domain/config/index.js';
import { buildDesiredState } from '../shared/domain/desired.js';
import {
  type BackupServiceRoleProps,
  backupServiceRole,
  eventForwardingRole,
  forwardingRule,
} from './account-baseline.js';
import { WEAKENING_API_CALLS_PATTERN } from './event-patterns.js';
import { acknowledgeMemberBaselineFindings } from './nag-acknowledgements.js';
import { controllerPermissions, type PermissionNames, permissionStatements } from './permissions.js';

/** Names the controller also uses when it checks each member account. */
export interface MemberBaselineNames {
  /** The role the controller assumes in every member account (config `memberRoleName`). */
  readonly executionRoleName: string;
  /** The EventBridge rule on each Region's default bus that forwards service events to the central bus. */
  readonly forwardingRuleName: string;
  /** The rule next to it that forwards the CloudTrail calls weakening backups. */
  readonly apiCallForwardingRuleName: string;
  /** The role EventBridge assumes to put events on the central bus (one per account, IAM is global). */
  readonly forwardingRoleName: string;
  /** The forwarding rule's event pattern, as the controller renders it. */
  readonly forwardingEventPattern: Record<string, unknown>;
  /** The role AWS Backup uses for the policy's jobs, with its managed policies. */
  readonly backupRole: BackupServiceRoleProps;
}

export interface MemberBaselineStackProps extends StackProps {
  readonly names: MemberBaselineNames;
  /** What the execution role's writes are scoped to. */
  readonly permissionNames: PermissionNames;
  /**
   * False when `memberRoleName` names a role that already exists in every account (for example
   * OrganizationAccountAccessRole or AWSControlTowerExecution): the baseline then brings the backup role
   * and event forwarding only.
   */
  readonly createExecutionRole: boolean;
}

/** StackSet parameters the management stack fills in at deploy time. */
export const MEMBER_BASELINE_PARAMETERS = {
  controllerRoleArns: 'ControllerRoleArns',
  centralEventBusArn: 'CentralEventBusArn',
  globalResourcesRegion: 'GlobalResourcesRegion',
} as const;

/**
 * What every member account gets through the service-managed StackSet, the one owner of all of it: the
 * controller's execution role, the AWS Backup service role with its managed policies, and the forwarding of
 * AWS Backup, tag and weakening CloudTrail events from each Region's default bus to the central bus.
 *
 * The stack is deployed into every configured Region, but IAM is global: the roles are created only in the
 * Region passed as `GlobalResourcesRegion` (deployed first), and every Region's rules refer to the
 * forwarding role by name. Written with L1 constructs so the template carries no CDK assets, bootstrap rule
 * or metadata — StackSets cannot resolve any of those in member accounts.
 */
export class MemberBaselineStack extends Stack {
  constructor(scope: Construct, id: string, props: MemberBaselineStackProps) {
    super(scope, id, {
      ...props,
      // DefaultStackSynthesizer.bootstrapQualifier is `string | undefined` where IStackSynthesizer has it optional,
      // which exactOptionalPropertyTypes rejects although the class implements the interface.
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) as IStackSynthesizer,
      analyticsReporting: false,
      description:
        'org-backup-controller member baseline: controller execution role, AWS Backup role, event forwarding',
    });
    const { names } = props;
    const controllerRoleArns = new CfnParameter(this, MEMBER_BASELINE_PARAMETERS.controllerRoleArns, {
      type: 'CommaDelimitedList',
      description:
        'ARNs of the controller roles in the management account that reconcile member accounts (the sweep ' +
        "items' and the events function's); the only principals trusted.",
    }).valueAsList;
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

    const globalResources: CfnResource[] = [
      backupServiceRole(this, 'BackupServiceRole', names.backupRole),
      eventForwardingRole(this, 'EventForwardingRole', {
        roleName: names.forwardingRoleName,
        centralEventBusArn,
      }),
    ];
    if (props.createExecutionRole) {
      globalResources.push(
        new CfnRole(this, 'ControllerExecutionRole', {
          roleName: names.executionRoleName,
          description: 'Assumed by org-backup-controller to observe and repair AWS Backup prerequisites.',
          maxSessionDuration: 3600,
          // Written out: the principal is the parameter's list itself, which no IPrincipal can express.
          assumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: controllerRoleArns } },
            ],
          },
          policies: [
            {
              policyName: 'org-backup-controller',
              policyDocument: new PolicyDocument({
                statements: permissionStatements(controllerPermissions('member'), props.permissionNames),
              }),
            },
          ],
        }),
      );
    }
    for (const resource of globalResources) resource.cfnOptions.condition = createsGlobalResources;

    forwardingRule(this, 'EventForwardingRule', {
      ruleName: names.forwardingRuleName,
      description: 'Forwards AWS Backup and tag events to the org-backup-controller central bus.',
      eventPattern: names.forwardingEventPattern,
      centralEventBusArn,
      roleName: names.forwardingRoleName,
    });
    forwardingRule(this, 'ApiCallForwardingRule', {
      ruleName: names.apiCallForwardingRuleName,
      description: 'Forwards CloudTrail calls that weaken backups (vault locks, keys) to the central bus.',
      eventPattern: WEAKENING_API_CALLS_PATTERN,
      centralEventBusArn,
      roleName: names.forwardingRoleName,
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
    acknowledgeMemberBaselineFindings(
      stack,
      {
        memberRoleName: props.names.executionRoleName,
        organizationId: props.permissionNames.organizationId,
        vaultNames: props.permissionNames.vaultNames,
        backupManagedPolicyArns: props.names.backupRole.managedPolicyArns,
      },
      props.createExecutionRole,
    );
    const template = app.synth().getStackByName(stack.stackName).template;
    return JSON.stringify(template);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The roles, forwarding rule and pattern exactly as the controller checks them in every account
 * (buildDesiredState). The names and the pattern do not depend on the runtime context; only the bus ARN
 * does, and the StackSet takes that as a parameter.
 */
export function memberBaselineNames(config: Config): MemberBaselineNames {
  const { memberRoleName, eventForwarding, backupRole } = buildDesiredState(config, {
    managementAccountId: 'resolved-at-deploy-time',
    organizationId: 'resolved-at-deploy-time',
    homeRegion: config.regions[0]!,
    eventBusArn: 'resolved-at-deploy-time',
  });
  return {
    executionRoleName: memberRoleName,
    forwardingRuleName: eventForwarding!.ruleName,
    apiCallForwardingRuleName: `${eventForwarding!.ruleName}-api-calls`,
    forwardingRoleName: eventForwarding!.roleName,
    forwardingEventPattern: JSON.parse(eventForwarding!.eventPattern),
    backupRole: { roleName: backupRole.name, managedPolicyArns: backupRole.managedPolicyArns },
  };
}
