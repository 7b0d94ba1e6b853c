import { CfnParameter, Stack, type StackProps, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Config } from '../shared/domain/config/index.js';
import type { MemberBaselineNames } from './member-baseline.js';
import { acknowledgeControllerFindings } from './nag-acknowledgements.js';
import {
  type MemberDeploymentTargets,
  OrganizationBackupController,
  type OrganizationBackupControllerProps,
} from './organization-backup-controller.js';

export interface OrgBackupControllerStackProps extends StackProps {
  readonly config: Config;
  /** `o-…`; when absent the stack takes it as the CloudFormation parameter `OrganizationId`. */
  readonly organizationId?: string;
  /**
   * Where the member baseline goes. Absent: the root/OU ids become the CloudFormation parameter
   * `MemberTargetOrganizationalUnitIds`, so synth stays offline and deploy asks for them.
   */
  readonly memberTargets?: MemberDeploymentTargets;
  readonly memberNames: MemberBaselineNames;
  readonly createMemberExecutionRole: boolean;
  /** See OrganizationBackupControllerProps.handlerEntry. */
  readonly handlerEntry?: OrganizationBackupControllerProps['handlerEntry'];
  /** Feature flags for the private App that renders the member template. */
  readonly memberTemplateContext: Record<string, unknown>;
  /** See OrganizationBackupControllerProps.sweepOverdueAfter. */
  readonly sweepOverdueAfter?: OrganizationBackupControllerProps['sweepOverdueAfter'];
  /** See OrganizationBackupControllerProps.sweepPeriodHours. */
  readonly sweepPeriodHours?: OrganizationBackupControllerProps['sweepPeriodHours'];
  /** See OrganizationBackupControllerProps.eventsMaxConcurrency. */
  readonly eventsMaxConcurrency?: OrganizationBackupControllerProps['eventsMaxConcurrency'];
}

/** The management-account stack: the controller construct plus the values only known at deploy time. */
export class OrgBackupControllerStack extends Stack {
  readonly controller: OrganizationBackupController;

  constructor(scope: Construct, id: string, props: OrgBackupControllerStackProps) {
    super(scope, id, {
      description: 'org-backup-controller: keeps AWS Backup enforced and verified across the organization',
      ...props,
    });
    const organizationId =
      props.organizationId ??
      new CfnParameter(this, 'OrganizationId', {
        type: 'String',
        description: 'The organization id (o-…); the central bus accepts events only from it.',
        allowedPattern: '^o-[a-z0-9]{10,32}$',
      }).valueAsString;
    const memberTargets = props.memberTargets ?? {
      organizationalUnitIds: new CfnParameter(this, 'MemberTargetOrganizationalUnitIds', {
        type: 'CommaDelimitedList',
        description:
          `Root and OU ids for the member baseline StackSet, for attachTo ${props.config.attachTo.join(', ')} ` +
          '(or set context organizationalUnitIds).',
        allowedPattern: '^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[0-9a-z]{8,32})$',
      }).valueAsList,
      excludedAccountIds: props.config.excludeAccounts,
    };
    this.controller = new OrganizationBackupController(this, 'Controller', {
      config: props.config,
      organizationId,
      memberTargets,
      memberNames: props.memberNames,
      createMemberExecutionRole: props.createMemberExecutionRole,
      memberTemplateContext: props.memberTemplateContext,
      ...(props.handlerEntry ? { handlerEntry: props.handlerEntry } : {}),
      ...(props.sweepOverdueAfter ? { sweepOverdueAfter: props.sweepOverdueAfter } : {}),
      ...(props.sweepPeriodHours ? { sweepPeriodHours: props.sweepPeriodHours } : {}),
      ...(props.eventsMaxConcurrency ? { eventsMaxConcurrency: props.eventsMaxConcurrency } : {}),
    });
    acknowledgeControllerFindings(this, {
      memberRoleName: props.config.memberRoleName,
      // cdk-nag names a parameter reference after the parameter's logical id.
      organizationId: Token.isUnresolved(organizationId) ? '<OrganizationId>' : organizationId,
      vaultNames: this.controller.permissionNames.vaultNames,
      backupManagedPolicyArns: props.memberNames.backupRole.managedPolicyArns,
    });
  }
}
