import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { type Config, type ConfigProblem, loadConfigFromText } from '../shared/domain/config/index.js';
import { ControllerError } from '../shared/domain/errors.js';
import { PROJECT_ROOT } from './controller-function.js';

export const DEFAULT_CONFIG_PATH = 'orgbackup.config.yaml';
export const EXAMPLE_CONFIG_PATH = join('examples', 'orgbackup.config.yaml');

export class DeploymentConfigError extends ControllerError {
  readonly problems: readonly ConfigProblem[];

  constructor(fileName: string, problems: readonly ConfigProblem[]) {
    super(
      'DEPLOYMENT_CONFIG_INVALID',
      `${fileName} is not valid, so nothing was synthesized:\n${problems
        .map((p) => `  ${p.path}: ${p.message}\n    fix: ${p.fix}`)
        .join('\n')}`,
    );
    this.problems = problems;
  }
}

export class DeploymentContextError extends ControllerError {}

/**
 * The config file the app deploys: the context value `configPath` when given (it must exist), otherwise
 * `orgbackup.config.yaml` at the project root, falling back to the example so that a fresh clone
 * synthesizes. Relative paths are taken from the project root.
 */
export function resolveConfigPath(configPath: string | undefined, root = PROJECT_ROOT): string {
  if (configPath !== undefined) {
    const path = isAbsolute(configPath) ? configPath : join(root, configPath);
    if (!existsSync(path)) {
      throw new DeploymentContextError(
        'CONFIG_NOT_FOUND',
        `The config file ${configPath} (context configPath) does not exist.`,
      );
    }
    return path;
  }
  const preferred = join(root, DEFAULT_CONFIG_PATH);
  if (existsSync(preferred)) return preferred;
  // Never the example by accident: its accounts and e-mail addresses are placeholders.
  throw new DeploymentContextError(
    'CONFIG_NOT_FOUND',
    `No config file: create ${DEFAULT_CONFIG_PATH} (start from ${EXAMPLE_CONFIG_PATH}), or pass -c configPath=FILE.`,
  );
}

/** Reads and validates the config with the same rules and messages as `orgbackup validate`. */
export function loadDeploymentConfig(path: string, root = PROJECT_ROOT): Config {
  const fileName = relative(root, path) || path;
  const result = loadConfigFromText(readFileSync(path, 'utf8'), fileName);
  if (!result.ok) throw new DeploymentConfigError(fileName, result.problems);
  return result.config;
}

/** Where the member StackSet goes, resolved from the config's `attachTo` and the ids known at synth time. */
export interface ResolvedMemberTargets {
  /** Root and OU ids for the service-managed StackSet. */
  readonly organizationalUnitIds: string[];
  /** `attachTo` entries that are single accounts. */
  readonly accountIds: string[];
  /** `attachTo` entries (root, OU paths) with no id in the `organizationalUnitIds` context. */
  readonly unresolved: string[];
}

const OU_ID = /^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/;
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
const ACCOUNT_ID = /^\d{12}$/;

/**
 * Maps `attachTo` entries to the ids a StackSet needs. `ou-…` ids and account ids are used as they are;
 * `root` and OU paths need an id from the `organizationalUnitIds` context (e.g.
 * `{"root": "r-ab12", "/Workloads/Prod": "ou-ab12-cdef3456"}`), because synth stays offline.
 */
export function resolveMemberTargets(
  attachTo: readonly string[],
  idsByName: Readonly<Record<string, string>>,
): ResolvedMemberTargets {
  const resolved: ResolvedMemberTargets = { organizationalUnitIds: [], accountIds: [], unresolved: [] };
  for (const entry of attachTo) {
    if (ACCOUNT_ID.test(entry)) {
      resolved.accountIds.push(entry);
      continue;
    }
    const id = OU_ID.test(entry) ? entry : idsByName[entry];
    if (id === undefined) resolved.unresolved.push(entry);
    else if (OU_ID.test(id) || ROOT_ID.test(id)) resolved.organizationalUnitIds.push(id);
    else {
      throw new DeploymentContextError(
        'BAD_ORGANIZATIONAL_UNIT_ID',
        `Context organizationalUnitIds maps ${entry} to ${id}, which is neither a root id (r-…) nor an OU id (ou-…).`,
      );
    }
  }
  return resolved;
}

/** Context values arrive as JSON text from `-c key=value` and as objects from cdk.json. */
export function contextObject(value: unknown, key: string): Record<string, string> {
  if (value === undefined) return {};
  const parsed = typeof value === 'string' ? safeJson(value, key) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DeploymentContextError('BAD_CONTEXT', `Context ${key} must be a JSON object of names to ids.`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([name, id]) => [name, String(id)]));
}

export function contextBoolean(value: unknown, key: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new DeploymentContextError('BAD_CONTEXT', `Context ${key} must be true or false.`);
}

function safeJson(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DeploymentContextError('BAD_CONTEXT', `Context ${key} is not valid JSON: ${text}`, {
      cause: error,
    });
  }
}
