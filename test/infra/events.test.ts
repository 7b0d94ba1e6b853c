import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDeploymentConfig } from '../../infra/deployment-config.js';
import {
  CENTRAL_BUS_PATTERNS,
  ORGANIZATIONS_PATTERN,
  WEAKENING_API_CALLS_PATTERN,
} from '../../infra/event-patterns.js';
import { addForwardingStacks } from '../../infra/management-forwarding.js';
import { memberBaselineNames } from '../../infra/member-baseline.js';
import { matchesPattern } from '../../sandbox/event-pattern.js';
import { EVENT_FORWARDING_RULE_NAME } from '../../shared/domain/desired.js';
import {
  BACKUP_API_EVENT_NAMES,
  KMS_API_EVENT_NAMES,
  ORG_EVENT_NAMES,
} from '../../shared/domain/events/parse.js';
import { EVENT_FIXTURE_NAMES, loadEventFixture } from '../fixtures/events/index.js';
import { FIXTURE_CONFIG, MANAGEMENT_ACCOUNT, sharedStack, synthStack } from './synth-stack.js';
import { memberTemplateOf, resourcesOfType, type TemplateJson } from './templates.js';

/**
 * The deployed rules run against events shaped like the samples AWS publishes: the project's event
 * fixtures, and the CloudTrail records of the KMS calls as in the KMS developer guide
 * (https://docs.aws.amazon.com/kms/latest/developerguide/ct-schedule-key-deletion.html) wrapped in the
 * envelope EventBridge adds for "AWS API Call via CloudTrail" events
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
 */
const infraFixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/events/${name}.json`, import.meta.url), 'utf8'));

type Rule = { name: string; pattern: unknown };
const rulesOn = (template: TemplateJson, bus: 'default' | 'other'): Rule[] =>
  resourcesOfType(template, 'AWS::Events::Rule')
    .filter(([, rule]) => (rule.Properties.EventBusName === 'default') === (bus === 'default'))
    .map(([id, rule]) => ({
      name: String(rule.Properties.Name ?? id),
      pattern: rule.Properties.EventPattern,
    }));
const matching = (rules: readonly Rule[], event: unknown) =>
  rules.filter((rule) => matchesPattern(rule.pattern, event)).map((rule) => rule.name);

let memberRules: Rule[];
let centralRules: Rule[];
const forwardedByMember = (event: unknown) => matching(memberRules, event).length > 0;
const deliveredCentrally = (event: unknown) => matching(centralRules, event).length > 0;

beforeAll(() => {
  const main = sharedStack().template.toJSON() as TemplateJson;
  memberRules = rulesOn(memberTemplateOf(main), 'default');
  centralRules = rulesOn(main, 'other');
});

describe('what member accounts forward, and the central bus delivers', () => {
  const projectFixtures = EVENT_FIXTURE_NAMES.map((name) => ({ name, event: loadEventFixture(name) }));

  it('delivers every event a member forwards (no forwarded event is dropped at the central bus)', () => {
    const forwarded = projectFixtures.filter(({ event }) => forwardedByMember(event));
    expect(forwarded.length).toBeGreaterThan(10);
    expect(forwarded.filter(({ event }) => !deliveredCentrally(event)).map(({ name }) => name)).toEqual([]);
  });

  it.each([
    ['backup-delete-vault-lock', () => loadEventFixture('backup-delete-vault-lock')],
    ['backup-put-vault-access-policy', () => loadEventFixture('backup-put-vault-access-policy')],
    ['backup-delete-recovery-point', () => loadEventFixture('backup-delete-recovery-point')],
    ['backup-delete-vault', () => loadEventFixture('backup-delete-vault')],
    ['kms-schedule-key-deletion', () => infraFixture('kms-schedule-key-deletion')],
    ['kms-disable-key', () => infraFixture('kms-disable-key')],
  ])('forwards the weakening call %s from members and delivers it', (_name, event) => {
    expect(matching(memberRules, event())).toEqual([`${EVENT_FORWARDING_RULE_NAME}-api-calls`]);
    expect(deliveredCentrally(event())).toBe(true);
  });

  it.each([
    ['unknown-backup-start-backup-job', () => loadEventFixture('unknown-backup-start-backup-job')],
    ['kms-decrypt', () => infraFixture('kms-decrypt')],
    ['unknown-ec2-state-change', () => loadEventFixture('unknown-ec2-state-change')],
  ])('does not forward %s, which cannot weaken backups', (_name, event) => {
    expect(forwardedByMember(event())).toBe(false);
  });

  it('forwards every API call name the parser handles, and only CloudTrail API calls', () => {
    for (const [source, eventSource, names] of [
      ['aws.backup', 'backup.amazonaws.com', BACKUP_API_EVENT_NAMES],
      ['aws.kms', 'kms.amazonaws.com', KMS_API_EVENT_NAMES],
    ] as const) {
      for (const eventName of names) {
        const event = {
          source,
          'detail-type': 'AWS API Call via CloudTrail',
          detail: { eventSource, eventName },
        };
        expect(matchesPattern(WEAKENING_API_CALLS_PATTERN, event), eventName).toBe(true);
        expect(matchesPattern(WEAKENING_API_CALLS_PATTERN, { ...event, 'detail-type': 'Other' })).toBe(false);
      }
    }
  });
});

describe('Organizations events', () => {
  const orgFixtures = EVENT_FIXTURE_NAMES.filter((name) => name.startsWith('org-')).map((name) => ({
    name,
    event: loadEventFixture(name) as { 'detail-type': string },
  }));

  it('matches the samples of both CloudTrail detail-types (CreateAccountResult is a service event)', () => {
    expect(new Set(orgFixtures.map(({ event }) => event['detail-type']))).toEqual(
      new Set(['AWS API Call via CloudTrail', 'AWS Service Event via CloudTrail']),
    );
    for (const { name, event } of orgFixtures) {
      expect(matchesPattern(ORGANIZATIONS_PATTERN, event), name).toBe(true);
      expect(deliveredCentrally(event), name).toBe(true);
    }
  });

  it('matches every name the parser handles with either detail-type, and nothing else', () => {
    for (const eventName of ORG_EVENT_NAMES) {
      for (const detailType of ['AWS API Call via CloudTrail', 'AWS Service Event via CloudTrail']) {
        const event = {
          source: 'aws.organizations',
          'detail-type': detailType,
          detail: { eventSource: 'organizations.amazonaws.com', eventName },
        };
        expect(matchesPattern(ORGANIZATIONS_PATTERN, event), `${eventName} ${detailType}`).toBe(true);
      }
    }
    const other = {
      source: 'aws.organizations',
      'detail-type': 'AWS API Call via CloudTrail',
      detail: { eventName: 'ListAccounts' },
    };
    expect(matchesPattern(ORGANIZATIONS_PATTERN, other)).toBe(false);
  });

  it('routes on the central bus exactly the sources it expects', () => {
    expect(Object.keys(CENTRAL_BUS_PATTERNS).sort()).toEqual(
      ['backupServiceEvents', 'organizations', 'tagChanges', 'weakeningApiCalls'].sort(),
    );
  });
});

describe('management-account forwarding, wherever the stack is deployed', () => {
  const deploy = (stackRegion: string) => {
    const { app, stack } = synthStackIn(stackRegion);
    const config = loadDeploymentConfig(FIXTURE_CONFIG);
    const forwarding = addForwardingStacks(app, stack, config.regions, memberBaselineNames(config));
    const rulesOf = (template: TemplateJson) =>
      resourcesOfType(template, 'AWS::Events::Rule')
        .filter(([, rule]) => rule.Properties.EventBusName === 'default')
        .map(([, rule]) => String(rule.Properties.Name))
        .sort();
    return {
      main: rulesOf(Template.fromStack(stack).toJSON() as TemplateJson),
      byRegion: Object.fromEntries(
        forwarding.map((regional) => [
          regional.region,
          { stack: regional, rules: rulesOf(Template.fromStack(regional).toJSON() as TemplateJson) },
        ]),
      ),
    };
  };
  const SERVICE = EVENT_FORWARDING_RULE_NAME;
  const API = `${EVENT_FORWARDING_RULE_NAME}-api-calls`;
  const ORGS = `${EVENT_FORWARDING_RULE_NAME}-organizations`;

  it('with the stack outside us-east-1, a small us-east-1 stack forwards Organizations events', () => {
    const { main, byRegion } = deploy('eu-central-1');
    expect(main).toEqual([]);
    expect(Object.keys(byRegion).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(byRegion['us-east-1']!.rules).toEqual([SERVICE, API, ORGS].sort());
    expect(byRegion['eu-west-1']!.rules).toEqual([SERVICE, API].sort());
    const template = Template.fromStack(byRegion['us-east-1']!.stack);
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: ORGS,
      Targets: [
        {
          Arn: `arn:aws:events:eu-central-1:${MANAGEMENT_ACCOUNT}:event-bus/org-backup-controller`,
          RoleArn: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/OrgBackupEventForwarding`,
        },
      ],
    });
    for (const { stack } of Object.values(byRegion)) {
      expect(new AwsSolutionsChecks(stack).validateScope(stack).violations).toEqual([]);
    }
    // Deployed after the main stack, which holds the forwarding role and the central bus.
    expect(byRegion['us-east-1']!.stack.dependencies.map((dependency) => dependency.stackName)).toEqual([
      'OrgBackupController',
    ]);
  });

  it('with the stack in us-east-1, the stack itself forwards Organizations events and its Region', () => {
    const { main, byRegion } = deploy('us-east-1');
    expect(main).toEqual([SERVICE, API, ORGS].sort());
    expect(Object.keys(byRegion)).toEqual(['eu-west-1']);
  });
});

function synthStackIn(region: string) {
  return synthStack({ env: { account: MANAGEMENT_ACCOUNT, region } });
}
