import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import type { DesiredState, ObservedTarget } from '../domain/model.js';
import type { ClientFactory } from './clients.js';
import { callSite, listAll, type TargetRef, unlessNotFound } from './observe-reads.js';
import { iamClient } from './sdk/iam.js';

const DEFAULT_EVENT_BUS = 'default';

/** The rule that forwards this target's Backup events to the central bus, its targets and its role. */
export async function readEventForwarding(
  factory: ClientFactory,
  target: TargetRef,
  desired: DesiredState,
): Promise<ObservedTarget['eventForwarding']> {
  const forwarding = desired.eventForwarding;
  if (!forwarding) {
    return { ruleExists: false, targetsBus: false, roleExists: false, ruleState: null, eventPattern: null };
  }
  const events = factory.clientOf(EventBridgeClient, target.accountId, target.region);
  const call = callSite(target.accountId, target.region);
  const iamCall = callSite(target.accountId, factory.homeRegion);
  const [rule, role] = await Promise.all([
    unlessNotFound(() =>
      call('DescribeRule', () =>
        events.send(new DescribeRuleCommand({ Name: forwarding.ruleName, EventBusName: DEFAULT_EVENT_BUS })),
      ),
    ),
    unlessNotFound(() =>
      iamCall('GetRole', () =>
        iamClient(factory, target.accountId).send(new GetRoleCommand({ RoleName: forwarding.roleName })),
      ),
    ),
  ]);
  const targets = rule
    ? await listAll(
        call,
        'ListTargetsByRule',
        (NextToken) =>
          events.send(
            new ListTargetsByRuleCommand({
              Rule: forwarding.ruleName,
              EventBusName: DEFAULT_EVENT_BUS,
              NextToken,
            }),
          ),
        (page) => ({ items: page.Targets, nextToken: page.NextToken }),
      )
    : [];
  return {
    ruleExists: rule !== null,
    targetsBus: targets.some((ruleTarget) => ruleTarget.Arn === forwarding.busArn),
    roleExists: role?.Role !== undefined,
    ruleState: rule?.State ?? null,
    eventPattern: rule?.EventPattern ?? null,
  };
}
