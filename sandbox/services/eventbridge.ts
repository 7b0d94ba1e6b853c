import type {
  DescribeRuleCommandInput,
  ListRulesCommandInput,
  ListTargetsByRuleCommandInput,
  PutEventsCommandInput,
  PutEventsResultEntry,
  PutRuleCommandInput,
  PutTargetsCommandInput,
  PutTargetsResultEntry,
  Rule,
} from '@aws-sdk/client-eventbridge';
import { type Call, fail, type ServiceHandlers } from '../call.js';
import type { SimEventRule, SimRegion } from '../state.js';

/**
 * EventBridge rules on each account × Region's default bus, plus PutEvents. Forwarding to the central bus
 * follows AWS's rule that a cross-account bus target needs a RoleArn and takes no input rewriting
 * (docs/aws-behaviour.md#eventbridge-cross-account-bus).
 */

const MAX_TARGETS_PER_RULE = 5;

function defaultBus(call: Call, busName: string | undefined): SimRegion {
  if (busName !== undefined && busName !== 'default' && !busName.endsWith(':event-bus/default')) {
    fail(call, 'ResourceNotFoundException', `Event bus ${busName} does not exist.`);
  }
  return call.state.region(call.caller.accountId, call.region);
}

function requireRule(call: Call, region: SimRegion, name: string | undefined): SimEventRule {
  const rule = name ? region.eventRules.get(name) : undefined;
  if (!rule) fail(call, 'ResourceNotFoundException', `Rule ${name} does not exist on EventBus default.`);
  return rule;
}

const ruleOut = (rule: SimEventRule): Rule => ({
  Name: rule.name,
  Arn: rule.arn,
  EventPattern: rule.eventPattern,
  State: rule.state,
  Description: rule.description,
  EventBusName: 'default',
});

export const eventBridgeHandlers: ServiceHandlers = {
  PutRule: (call: Call, input: PutRuleCommandInput) => {
    const region = defaultBus(call, input.EventBusName);
    const name = input.Name ?? '';
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(name))
      fail(call, 'ValidationException', `Invalid rule name ${name}.`);
    try {
      JSON.parse(input.EventPattern ?? '');
    } catch {
      fail(call, 'InvalidEventPatternException', 'Event pattern is not valid JSON.');
    }
    const existing = region.eventRules.get(name);
    const rule: SimEventRule = existing ?? {
      name,
      arn: `arn:aws:events:${call.region}:${call.caller.accountId}:rule/${name}`,
      eventPattern: '',
      state: 'ENABLED',
      targets: new Map(),
    };
    rule.eventPattern = input.EventPattern ?? '';
    rule.state = input.State === 'DISABLED' ? 'DISABLED' : 'ENABLED';
    rule.description = input.Description;
    region.eventRules.set(name, rule);
    return { RuleArn: rule.arn };
  },

  DescribeRule: (call: Call, input: DescribeRuleCommandInput) => {
    const rule = requireRule(call, defaultBus(call, input.EventBusName), input.Name);
    return { ...ruleOut(rule), CreatedBy: call.caller.accountId };
  },

  ListRules: (call: Call, input: ListRulesCommandInput) => ({
    Rules: [...defaultBus(call, input.EventBusName).eventRules.values()]
      .filter((rule) => input.NamePrefix === undefined || rule.name.startsWith(input.NamePrefix))
      .map(ruleOut),
  }),

  PutTargets: (call: Call, input: PutTargetsCommandInput) => {
    const rule = requireRule(call, defaultBus(call, input.EventBusName), input.Rule);
    const failed: PutTargetsResultEntry[] = [];
    for (const target of input.Targets ?? []) {
      const id = target.Id ?? '';
      const crossAccountBus =
        /:event-bus\//.test(target.Arn ?? '') && !(target.Arn ?? '').includes(`:${call.caller.accountId}:`);
      if (crossAccountBus && (target.Input || target.InputPath || target.InputTransformer)) {
        failed.push({
          TargetId: id,
          ErrorCode: 'ValidationException',
          ErrorMessage: 'Input rewriting is not allowed for cross-account event bus targets.',
        });
        continue;
      }
      if (!rule.targets.has(id) && rule.targets.size >= MAX_TARGETS_PER_RULE) {
        failed.push({
          TargetId: id,
          ErrorCode: 'LimitExceededException',
          ErrorMessage: 'A rule can have at most 5 targets.',
        });
        continue;
      }
      rule.targets.set(id, {
        Id: id,
        Arn: target.Arn ?? '',
        RoleArn: target.RoleArn,
        Input: target.Input,
        InputPath: target.InputPath,
        InputTransformer: target.InputTransformer,
      });
    }
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  },

  ListTargetsByRule: (call: Call, input: ListTargetsByRuleCommandInput) => {
    const rule = requireRule(call, defaultBus(call, input.EventBusName), input.Rule);
    return { Targets: [...rule.targets.values()].map((target) => ({ ...target })) };
  },

  PutEvents: (call: Call, input: PutEventsCommandInput) => {
    const entries: PutEventsResultEntry[] = (input.Entries ?? []).map((entry) => {
      let detail: Record<string, unknown>;
      try {
        detail = JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>;
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON.' };
      }
      const event = {
        source: entry.Source ?? '',
        detailType: entry.DetailType ?? '',
        resources: entry.Resources ?? [],
        detail,
      };
      const bus = entry.EventBusName;
      const emitted =
        bus && bus !== 'default' && call.state.centralBus.isCentral(busArn(call, bus))
          ? call.events.emitOnCentralBus(call.caller.accountId, call.region, event)
          : call.events.emit(call.caller.accountId, call.region, event);
      return { EventId: emitted.id };
    });
    return { FailedEntryCount: entries.filter((e) => e.ErrorCode).length, Entries: entries };
  },
};

const busArn = (call: Call, bus: string) =>
  bus.startsWith('arn:') ? bus : `arn:aws:events:${call.region}:${call.caller.accountId}:event-bus/${bus}`;
