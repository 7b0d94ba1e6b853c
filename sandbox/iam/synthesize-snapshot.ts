import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import cdkJson from '../../cdk.json' with { type: 'json' };
import { PROJECT_ROOT } from '../../infra/controller-function.js';
import { OrgBackupControllerStack } from '../../infra/controller-stack.js';
import { EXAMPLE_CONFIG_PATH, loadDeploymentConfig } from '../../infra/deployment-config.js';
import { addForwardingStacks } from '../../infra/management-forwarding.js';
import { memberBaselineNames } from '../../infra/member-baseline.js';
import { type Config, validateConfig } from '../../shared/domain/config/index.js';
import { CENTRAL_EVENT_BUS_NAME } from '../../shared/domain/desired.js';
import type { PolicyDocument, PolicyStatement } from './policy.js';
import type { IamSnapshot, SnapshotRole, SnapshotRule } from './snapshot.js';

/**
 * Builds sandbox/iam-snapshot.json from the CDK app, in-process and offline: the example config with every
 * name the policies may embed replaced by a sentinel, so the snapshot can be instantiated for any config and
 * any simulated organization. Run `npm run iam-snapshot` after changing infra/; a test fails while the
 * committed file differs from what this produces.
 */

export const SNAPSHOT_PATH = fileURLToPath(new URL('../iam-snapshot.json', import.meta.url));

/** `${Name}`: a placeholder the sandbox fills in (snapshot.ts). */
const ph = (name: string): string => `\${${name}}`;

/** Config values the templates may embed, with the placeholder each becomes in the snapshot. */
const SENTINELS = {
  memberRoleName: { value: 'SnapshotMemberRoleName', placeholder: ph('MemberRoleName') },
  backupRoleName: { value: 'SnapshotBackupRoleName', placeholder: ph('BackupRoleName') },
  vaultName: { value: 'snapshot-vault-name', placeholder: ph('VaultName') },
  centralVaultName: { value: 'snapshot-central-vault-name', placeholder: ph('CentralVaultName') },
  centralVaultAccount: { value: '999999999990', placeholder: ph('CentralVaultAccount') },
  organizationId: { value: 'o-snapshot0000', placeholder: ph('OrganizationId') },
  rootId: { value: 'r-snap', placeholder: ph('RootId') },
  slackSecretName: { value: 'snapshot-slack-secret-name', placeholder: ph('SlackSecretName') },
  // The stack needs a concrete Region (it places forwarding by it); a made-up one stands for the controller's.
  controllerRegion: { value: 'eu-snapshot-1', placeholder: ph('Region') },
} as const;

const HANDLERS = ['sweep', 'reconcile-target', 'events', 'notify', 'report'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Template = {
  Resources: Record<string, { Type: string; Properties?: Record<string, Json> }>;
  Parameters?: Record<string, { Type: string }>;
};

function snapshotConfig(): Config {
  const example = loadDeploymentConfig(`${PROJECT_ROOT}/${EXAMPLE_CONFIG_PATH}`);
  const result = validateConfig({
    ...example,
    memberRoleName: SENTINELS.memberRoleName.value,
    backupRoleName: SENTINELS.backupRoleName.value,
    vault: { ...example.vault, name: SENTINELS.vaultName.value },
    alerts: { ...example.alerts, slackWebhookSecretName: SENTINELS.slackSecretName.value },
    ...(example.centralVault
      ? {
          centralVault: {
            ...example.centralVault,
            name: SENTINELS.centralVaultName.value,
            accountId: SENTINELS.centralVaultAccount.value,
          },
        }
      : {}),
  });
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  return result.config;
}

/**
 * Synthesizes the management stack (bundling skipped) and returns its template, with the template of the
 * management-account forwarding stack of the first policy Region (every policy Region gets the same rules).
 */
function synthesizeTemplates(config: Config): { main: Template; forwarding: Template | undefined } {
  const context = { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] };
  const app = new App({ context });
  const stack = new OrgBackupControllerStack(app, 'OrgBackupController', {
    env: { region: SENTINELS.controllerRegion.value },
    config,
    organizationId: SENTINELS.organizationId.value,
    memberTargets: {
      organizationalUnitIds: [SENTINELS.rootId.value],
      excludedAccountIds: config.excludeAccounts,
    },
    memberNames: memberBaselineNames(config),
    createMemberExecutionRole: true,
    memberTemplateContext: context,
    // While bundling is skipped the function's code is only the entry's directory, which must exist.
    handlerEntry: () => fileURLToPath(import.meta.url),
  });
  const forwarding = addForwardingStacks(app, stack, config.regions, memberBaselineNames(config)).find(
    (candidate) => candidate.region === config.regions[0],
  );
  const assembly = app.synth();
  return {
    main: assembly.getStackByName(stack.stackName).template as Template,
    forwarding: forwarding ? (assembly.getStackByName(forwarding.stackName).template as Template) : undefined,
  };
}

/**
 * Resolves CloudFormation intrinsics to strings with placeholders (`${Account}`, `${Region}`, …) that the
 * sandbox fills in per simulated account. Only what IAM policies and the baseline's rules use is modelled.
 */
class Resolver {
  constructor(
    private readonly template: Template,
    private readonly parameters: Readonly<Record<string, Json>> = {},
  ) {}

  resolve(value: Json): Json {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object')
      return typeof value === 'string' ? sentinelsOut(value) : value;
    const [key] = Object.keys(value);
    const argument = value[key ?? ''] as Json;
    if (key === 'Ref') return this.ref(String(argument));
    if (key === 'Fn::GetAtt') return this.getAtt(argument as [string, string]);
    if (key === 'Fn::Join') {
      const [separator, parts] = argument as [string, Json[]];
      const resolved = this.resolve(parts) as Json[];
      return resolved.flatMap((part) => (Array.isArray(part) ? part : [part])).join(separator);
    }
    if (key === 'Fn::Split') {
      const [separator, text] = argument as [string, Json];
      return String(this.resolve(text)).split(separator);
    }
    if (key === 'Fn::Select') {
      const [index, list] = argument as [number, Json];
      return (this.resolve(list) as Json[])[Number(index)] ?? null;
    }
    if (key === 'Fn::If') {
      // Conditions split IAM's global resources from per-Region ones; the sandbox keeps both branches' intent
      // by taking the "true" branch (the Region that creates them).
      const [, whenTrue] = argument as [string, Json, Json];
      return this.resolve(whenTrue);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)]));
  }

  private ref(name: string): Json {
    const pseudo: Record<string, string> = {
      'AWS::AccountId': ph('Account'),
      'AWS::Partition': 'aws',
      'AWS::Region': ph('Region'),
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': 'OrgBackupController',
    };
    if (pseudo[name]) return pseudo[name];
    if (name in this.parameters) {
      const value = this.parameters[name] ?? null;
      const declared = this.template.Parameters?.[name]?.Type;
      return declared === 'CommaDelimitedList' && typeof value === 'string' ? value.split(',') : value;
    }
    const resource = this.template.Resources[name];
    if (!resource) return `\${Ref:${name}}`;
    switch (resource.Type) {
      case 'AWS::IAM::Role':
        return String(resource.Properties?.RoleName ?? name);
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:\${Region}:\${Account}:${name}`;
      default:
        return name;
    }
  }

  private getAtt([name, attribute]: [string, string]): Json {
    const resource = this.template.Resources[name];
    if (attribute !== 'Arn' || !resource) return `\${GetAtt:${name}.${attribute}}`;
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::IAM::Role':
        return `arn:aws:iam::\${Account}:role/${String(props.RoleName ?? name)}`;
      case 'AWS::Events::EventBus':
        return ph('CentralBusArn');
      case 'AWS::KMS::Key':
        return `arn:aws:kms:\${Region}:\${Account}:key/${name}`;
      default: {
        const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
        return `arn:aws:${service}:\${Region}:\${Account}:${name}`;
      }
    }
  }
}

function sentinelsOut(text: string): string {
  let out = text;
  for (const { value, placeholder } of Object.values(SENTINELS)) out = out.split(value).join(placeholder);
  return out;
}

const sorted = <T>(items: T[], key: (item: T) => string) =>
  [...items].sort((a, b) => key(a).localeCompare(key(b)));

/** Identity policies attached to each role: inline `Policies` plus the stack's AWS::IAM::Policy resources. */
function rolesOf(template: Template, resolver: Resolver): Map<string, SnapshotRole & { logicalId: string }> {
  const roles = new Map<string, SnapshotRole & { logicalId: string }>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const props = resource.Properties ?? {};
    const inline = (props.Policies as { PolicyName: string; PolicyDocument: Json }[] | undefined) ?? [];
    roles.set(logicalId, {
      logicalId,
      name: String(resolver.resolve(props.RoleName ?? logicalId)),
      trustPolicy: resolver.resolve(
        props.AssumeRolePolicyDocument ?? null,
      ) as unknown as PolicyDocument | null,
      policies: inline.map((policy) => ({
        name: policy.PolicyName,
        document: resolver.resolve(policy.PolicyDocument) as unknown as PolicyDocument,
      })),
      managedPolicyArns: ((resolver.resolve(props.ManagedPolicyArns ?? []) as string[]) ?? []).sort(),
    });
  }
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const props = resource.Properties ?? {};
    for (const roleRef of (props.Roles as { Ref: string }[] | undefined) ?? []) {
      const role = roles.get(roleRef.Ref);
      role?.policies.push({
        name: String(props.PolicyName ?? logicalId),
        document: resolver.resolve(props.PolicyDocument ?? null) as unknown as PolicyDocument,
      });
    }
  }
  for (const role of roles.values()) role.policies.sort((a, b) => a.name.localeCompare(b.name));
  return roles;
}

function rulesOf(template: Template, resolver: Resolver): SnapshotRule[] {
  const rules = Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Events::Rule')
    .map(([logicalId, resource]) => {
      const props = resolver.resolve(resource.Properties ?? {}) as Record<string, Json>;
      return {
        name: String(props.Name ?? logicalId),
        eventBusName: String(props.EventBusName ?? 'default'),
        eventPattern: props.EventPattern as Record<string, Json>,
        state: (props.State as 'ENABLED' | 'DISABLED' | undefined) ?? 'ENABLED',
        targets: ((props.Targets as Record<string, string>[] | undefined) ?? []).map((target) => ({
          id: target.Id ?? '',
          // The management account's forwarding stacks name the central bus by its ARN, not by reference.
          arn: (target.Arn ?? '').endsWith(`:event-bus/${CENTRAL_EVENT_BUS_NAME}`)
            ? ph('CentralBusArn')
            : (target.Arn ?? ''),
          ...(target.RoleArn ? { roleArn: target.RoleArn } : {}),
        })),
      };
    });
  return sorted(rules, (rule) => rule.name);
}

const withoutLogicalId = ({ logicalId: _, ...role }: SnapshotRole & { logicalId: string }): SnapshotRole =>
  role;

export function buildIamSnapshot(): IamSnapshot {
  const config = snapshotConfig();
  const { main: template, forwarding } = synthesizeTemplates(config);
  const main = new Resolver(template);
  const mainRoles = rolesOf(template, main);

  const functions: Record<string, SnapshotRole> = {};
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const roleId = functionRoleId(resource);
    const handler = HANDLERS.find((name) => roleId?.startsWith(`Controller${pascal(name)}FunctionRole`));
    const role = roleId ? mainRoles.get(roleId) : undefined;
    if (handler && role) functions[handler] = withoutLogicalId(role);
  }

  const stackSet = Object.values(template.Resources).find(
    (resource) => resource.Type === 'AWS::CloudFormation::StackSet',
  );
  const stackSetProps = main.resolve(stackSet?.Properties ?? {}) as Record<string, Json>;
  const parameters = Object.fromEntries(
    ((stackSetProps.Parameters as { ParameterKey: string; ParameterValue: Json }[] | undefined) ?? []).map(
      (parameter) => [parameter.ParameterKey, asManagementFacts(parameter.ParameterValue)],
    ),
  );
  const memberTemplate = JSON.parse(String(stackSetProps.TemplateBody)) as Template;
  const member = new Resolver(memberTemplate, parameters);

  const buses = Object.values(template.Resources).filter(
    (resource) => resource.Type === 'AWS::Events::EventBusPolicy',
  );
  const functionRoleIds = new Set(Object.values(template.Resources).map(functionRoleId));
  return {
    source:
      'npm run iam-snapshot: the CDK app synthesized in-process from examples/orgbackup.config.yaml, config names as placeholders',
    functions,
    managementRoles: sorted(
      [...mainRoles.values()].filter((role) => !functionRoleIds.has(role.logicalId) && isCallerRole(role)),
      (role) => role.name,
    ).map(withoutLogicalId),
    managementRules: forwarding ? rulesOf(forwarding, new Resolver(forwarding)) : [],
    centralBusPolicy: buses.map((bus) =>
      main.resolve(bus.Properties?.Statement ?? null),
    ) as unknown as PolicyStatement[],
    memberBaseline: {
      roles: sorted([...rolesOf(memberTemplate, member).values()], (role) => role.name).map(withoutLogicalId),
      rules: rulesOf(memberTemplate, member),
    },
  };
}

/** The logical id of a Lambda function's role (`Role: {Fn::GetAtt: [<id>, Arn]}`). */
function functionRoleId(resource: Template['Resources'][string]): string | undefined {
  if (resource.Type !== 'AWS::Lambda::Function') return undefined;
  const role = resource.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
  return role?.['Fn::GetAtt']?.[0];
}

/** StackSet parameters are resolved in the management stack; inside a member template they keep that meaning. */
function asManagementFacts(value: Json): Json {
  return JSON.parse(
    JSON.stringify(value)
      .split(ph('Account'))
      .join(ph('ManagementAccount'))
      .split(ph('Region'))
      .join(ph('ControllerRegion')),
  ) as Json;
}

/** Roles of AWS services the sandbox simulates (backup, events); Lambda, Step Functions and the like are not. */
function isCallerRole(role: SnapshotRole): boolean {
  const text = JSON.stringify(role.trustPolicy);
  return text.includes('backup.amazonaws.com') || text.includes('events.amazonaws.com');
}

const pascal = (name: string) =>
  name.replace(/(^|[-_])(\w)/g, (_match, _separator, letter: string) => letter.toUpperCase());

export function renderIamSnapshot(snapshot: IamSnapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SNAPSHOT_PATH, renderIamSnapshot(buildIamSnapshot()));
  process.stdout.write(`wrote ${SNAPSHOT_PATH}\n`);
}
