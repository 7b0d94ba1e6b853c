import { defineCheck } from './check.js';

export const eventForwardingCheck = defineCheck(
  'EVENT_FORWARDING',
  'AWS Backup and tag events reach only the default bus of their own account and Region; without a ' +
    'forwarding rule (and its role) the controller learns of failures and new tags only at the next sweep.',
  ({ desired, observed }, verdict) => {
    const forwarding = desired.eventForwarding;
    if (!forwarding) return verdict.skipped('Event forwarding is not configured.');
    const { ruleExists, targetsBus, roleExists } = observed.eventForwarding;
    const gaps = [
      ...(ruleExists ? [] : [`rule ${forwarding.ruleName} is missing`]),
      ...(ruleExists && !targetsBus
        ? [`rule ${forwarding.ruleName} does not target ${forwarding.busArn}`]
        : []),
      ...(roleExists ? [] : [`role ${forwarding.roleName} is missing`]),
    ];
    return gaps.length > 0
      ? verdict.fail('EVENT_FORWARDING_MISSING', `Events are not forwarded: ${gaps.join('; ')}.`)
      : verdict.pass(`Events are forwarded to ${forwarding.busArn}.`);
  },
);
