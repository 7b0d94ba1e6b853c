import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { FORBIDDEN_PERMISSIONS } from '../../infra/permissions.js';
import { readDeployedConfig } from '../../shared/controller/deployed-config.js';
import { EVENT_FORWARDING_RULE_NAME } from '../../shared/domain/desired.js';
import { FINDINGS_TABLE } from '../../shared/store/table.js';
import { ORGANIZATION_ID, sharedStack, TARGET_OU_IDS } from './synth-stack.js';
import {
  actionsOf,
  allStatements,
  memberTemplateOf,
  type Statement,
  type TemplateJson,
} from './templates.js';

let { app, stack } = {} as ReturnType<typeof sharedStack>;
let template: Template;
let memberTemplate: TemplateJson;

beforeAll(() => {
  ({ app, stack, template } = sharedStack());
  memberTemplate = memberTemplateOf(template.toJSON() as TemplateJson);
});

describe('management stack', () => {
  it('requires IAM authorization on every API method', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    // The dashboard (/) and ten report routes, all read-only.
    expect(methods.map((m) => m.Properties.HttpMethod)).toEqual(Array(11).fill('GET'));
    for (const method of methods) {
      expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
      expect(method.Properties.RequestValidatorId).toBeDefined();
    }
  });

  it('lets only the organization put events on the central bus', () => {
    const policies = Object.values(template.findResources('AWS::Events::EventBusPolicy'));
    expect(policies).toHaveLength(1);
    const statement = policies[0]!.Properties.Statement as Statement & { Principal: unknown };
    expect(statement.Action).toBe('events:PutEvents');
    expect(statement.Principal).toEqual({ AWS: '*' });
    expect(statement.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID } });
  });

  it('gives every queue that is not itself a dead-letter queue a DLQ', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    const deadLetterIds = Object.values(queues).flatMap((q) => {
      const redrive = q.Properties.RedrivePolicy as
        | { deadLetterTargetArn: { 'Fn::GetAtt': [string] } }
        | undefined;
      return redrive ? [redrive.deadLetterTargetArn['Fn::GetAtt'][0]] : [];
    });
    // Schedules name their dead-letter queue in the target, not through a redrive policy.
    for (const schedule of Object.values(template.findResources('AWS::Scheduler::Schedule'))) {
      const target = schedule.Properties.Target as { DeadLetterConfig?: { Arn: { 'Fn::GetAtt': [string] } } };
      if (target.DeadLetterConfig) deadLetterIds.push(target.DeadLetterConfig.Arn['Fn::GetAtt'][0]);
    }
    expect(deadLetterIds.length).toBeGreaterThan(1);
    for (const [id, queue] of Object.entries(queues)) {
      if (!deadLetterIds.includes(id)) expect(queue.Properties.RedrivePolicy, id).toBeDefined();
    }
  });

  it('alarms when an alert has waited in the outbox for over two hours', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'OldestUndeliveredAlertAgeMs',
      Statistic: 'Maximum',
      Threshold: 7_200_000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('sends events to the function with partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('deploys the findings table exactly per shared/store/table.ts, with PITR and TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: FINDINGS_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: FINDINGS_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: FINDINGS_TABLE.ttlAttribute, Enabled: true },
      GlobalSecondaryIndexes: [
        FINDINGS_TABLE.collectionsIndex,
        FINDINGS_TABLE.byRegionIndex,
        FINDINGS_TABLE.countsIndex,
      ].map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection:
          'projectedAttributes' in index
            ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projectedAttributes] }
            : { ProjectionType: 'ALL' },
      })),
    });
    for (const table of Object.values(template.findResources('AWS::DynamoDB::Table'))) {
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
  });

  it('passes the config validated at synth to the functions as one document they can read', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(6);
    for (const fn of functions) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const config = readDeployedConfig(variables.ORGBACKUP_CONFIG as string);
      expect(config).toMatchObject({ version: 1, mode: 'enforce', regions: ['eu-west-1', 'us-east-1'] });
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
      expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('fans the sweep out on a Distributed Map that tolerates failed targets', () => {
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const definition = JSON.stringify(machine!.Properties.DefinitionString);
    expect(definition).toContain('\\"Mode\\":\\"DISTRIBUTED\\"');
    expect(definition).toContain('\\"ToleratedFailurePercentage\\":100');
    expect(definition).toContain('\\"MaxConcurrency\\":38');
    // The org target is reconciled before the Map starts, and the run's alerts are sent after it ends.
    expect(definition.indexOf('ReconcileOrganization')).toBeLessThan(definition.indexOf('ReconcileTargets'));
    expect(definition.indexOf('ReconcileTargets')).toBeLessThan(definition.indexOf('NotifyRun'));
    // Every batch carries the org facts the targets need (blast-radius base, cross-account setting).
    expect(definition).toContain('\\"totalAccounts.$\\":\\"$.totalAccounts\\"');
    expect(definition).toContain('\\"crossAccountBackupEnabled.$\\":\\"$.org.crossAccountBackupEnabled\\"');
    // A failed org target does not stop the fan-out: it continues with the setting unknown.
    expect(definition).toContain('OrganizationUnknown');
  });

  it('passes cdk-nag AwsSolutions with every finding acknowledged', () => {
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName} ${JSON.stringify(v).slice(0, 300)}`)).toEqual([]);
    expect(report.success).toBe(true);
  });
});

describe('IAM (management stack and member baseline)', () => {
  const everyStatement = () => [
    ...allStatements(template.toJSON() as TemplateJson),
    ...allStatements(memberTemplate),
  ];

  it('never allows a wildcard action or a destructive one', () => {
    const actions = everyStatement().flatMap(actionsOf);
    expect(actions.length).toBeGreaterThan(50);
    const forbidden = actions.filter(
      (action) =>
        action === '*' ||
        /^[\w-]+:\*$/.test(action) ||
        /^backup:Delete|^kms:(ScheduleKeyDeletion|DisableKey)|^iam:Delete/.test(action),
    );
    expect(forbidden).toEqual([]);
  });

  it('keeps the forbidden-permission guard in sync with this test', () => {
    for (const action of [
      'backup:DeleteBackupVault',
      'backup:DeleteRecoveryPoint',
      'kms:ScheduleKeyDeletion',
      'iam:DeleteRole',
      '*',
    ]) {
      expect(
        FORBIDDEN_PERMISSIONS.some(({ pattern }) => pattern.test(action)),
        action,
      ).toBe(true);
    }
  });
});

describe('member baseline StackSet', () => {
  it('is service-managed, auto-deploys, and targets the configured OUs and Regions', () => {
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      StackInstancesGroup: [
        {
          Regions: ['eu-west-1', 'us-east-1'],
          DeploymentTargets: {
            OrganizationalUnitIds: TARGET_OU_IDS,
            AccountFilterType: 'DIFFERENCE',
            Accounts: ['111122223333'],
          },
        },
      ],
    });
  });

  it('trusts only the controller roles and forwards events with a role and no transformation', () => {
    const resources = Object.values(memberTemplate.Resources);
    const executionRole = resources.find(
      (r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'OrgBackupControllerExecution',
    );
    expect(executionRole?.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: { Ref: 'ControllerRoleArns' } } },
      ],
    });
    const [rule] = resources.filter((r) => r.Type === 'AWS::Events::Rule');
    // Exactly what the controller checks for, so the StackSet and the controller never fight over it.
    expect(rule!.Properties.Name).toBe(EVENT_FORWARDING_RULE_NAME);
    const [target] = rule!.Properties.Targets as Record<string, unknown>[];
    expect(target).toMatchObject({ Arn: { Ref: 'CentralEventBusArn' } });
    expect(target!.RoleArn).toBeDefined();
    expect(Object.keys(target!).filter((key) => key.startsWith('Input'))).toEqual([]);
  });

  it('has no CDK assets, bootstrap rule or metadata a member account could not resolve', () => {
    const text = JSON.stringify(memberTemplate);
    expect(text).not.toContain('BootstrapVersion');
    expect(text).not.toContain('AWS::CDK::Metadata');
    expect(text).not.toContain('cdk-hnb659fds');
  });
});
