import { Stack, type StackProps, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CENTRAL_EVENT_BUS_NAME } from '../shared/domain/desired.js';
import { ControllerError } from '../shared/domain/errors.js';
import { forwardingRule } from './account-baseline.js';
import {
  ORGANIZATIONS_EVENTS_REGION,
  ORGANIZATIONS_PATTERN,
  WEAKENING_API_CALLS_PATTERN,
} from './event-patterns.js';
import type { MemberBaselineNames } from './member-baseline.js';

export interface ManagementForwardingProps {
  readonly names: MemberBaselineNames;
  readonly centralEventBusArn: string;
  /** A policy Region: forward AWS Backup, tag and weakening CloudTrail events, as members do. */
  readonly backupEvents: boolean;
  /** us-east-1: forward Organizations events, which appear nowhere else. */
  readonly organizationsEvents: boolean;
}

/**
 * The management account's forwarding rules in one Region, named as in the member baseline so the
 * controller's EVENT_FORWARDING check reads the management account like any other. Everything reaches the
 * central bus this way, in the stack's own Region too, so the central bus rules are the one place that
 * routes events to the controller.
 */
export class ManagementForwarding extends Construct {
  constructor(scope: Construct, id: string, props: ManagementForwardingProps) {
    super(scope, id);
    const { names, centralEventBusArn } = props;
    const common = { centralEventBusArn, roleName: names.forwardingRoleName };
    if (props.backupEvents) {
      forwardingRule(this, 'ServiceEvents', {
        ...common,
        ruleName: names.forwardingRuleName,
        description: 'Forwards AWS Backup and tag events to the org-backup-controller central bus.',
        eventPattern: names.forwardingEventPattern,
      });
      forwardingRule(this, 'WeakeningApiCalls', {
        ...common,
        ruleName: names.apiCallForwardingRuleName,
        description: 'Forwards CloudTrail calls that weaken backups (vault locks, keys) to the central bus.',
        eventPattern: WEAKENING_API_CALLS_PATTERN,
      });
    }
    if (props.organizationsEvents) {
      forwardingRule(this, 'OrganizationsEvents', {
        ...common,
        ruleName: `${names.forwardingRuleName}-organizations`,
        description:
          'Forwards Organizations account and policy changes to the org-backup-controller central bus.',
        eventPattern: ORGANIZATIONS_PATTERN,
      });
    }
  }
}

/** Which management-account forwarding a Region needs. */
export function forwardingNeeds(region: string, policyRegions: readonly string[]) {
  return {
    backupEvents: policyRegions.includes(region),
    organizationsEvents: region === ORGANIZATIONS_EVENTS_REGION,
  };
}

/** The Regions besides the stack's own that need management-account forwarding. */
export function forwardingRegions(stackRegion: string, policyRegions: readonly string[]): string[] {
  return [...new Set([...policyRegions, ORGANIZATIONS_EVENTS_REGION])].filter(
    (region) => region !== stackRegion,
  );
}

export class StackRegionUnknownError extends ControllerError {
  constructor() {
    super(
      'STACK_REGION_UNKNOWN',
      'The management stack needs a concrete Region to decide where forwarding stacks go: set AWS_REGION ' +
        '(or a profile with a Region) before cdk synth / cdk deploy.',
    );
  }
}

export interface ForwardingStackProps extends StackProps, ManagementForwardingProps {}

/**
 * A small stack of forwarding rules in another Region of the management account, deployed by the same
 * `cdk deploy --all`. It needs the main stack's forwarding role and central bus, so it deploys after it.
 */
export class ForwardingStack extends Stack {
  constructor(scope: Construct, id: string, props: ForwardingStackProps) {
    super(scope, id, {
      description:
        'org-backup-controller: forwards this Region’s management-account events to the central bus',
      ...props,
    });
    new ManagementForwarding(this, 'Forwarding', props);
  }
}

/** The stack's Region as a plain string; forwarding stacks cannot be placed relative to a token. */
export function concreteRegion(stack: Stack): string {
  if (Token.isUnresolved(stack.region)) throw new StackRegionUnknownError();
  return stack.region;
}

/**
 * One ForwardingStack per Region (other than the main stack's) that needs management-account forwarding,
 * in the main stack's account, each deployed after it.
 */
export function addForwardingStacks(
  scope: Construct,
  main: Stack,
  policyRegions: readonly string[],
  names: MemberBaselineNames,
): ForwardingStack[] {
  const mainRegion = concreteRegion(main);
  return forwardingRegions(mainRegion, policyRegions).map((region) => {
    const stack = new ForwardingStack(scope, `${main.stackName}-forwarding-${region}`, {
      env: { account: main.account, region },
      names,
      centralEventBusArn: `arn:${main.partition}:events:${mainRegion}:${main.account}:event-bus/${CENTRAL_EVENT_BUS_NAME}`,
      ...forwardingNeeds(region, policyRegions),
    });
    stack.addDependency(main);
    return stack;
  });
}
