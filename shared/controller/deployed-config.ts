import { createHash } from 'node:crypto';
import type { Config } from '../domain/config/schema.js';
import { ConfigValidationError } from '../domain/config/validation-error.js';

/**
 * The config a deployed function runs with is validated once, when the stack is synthesized, and reaches
 * the function as one JSON document: `{ schema, sha256, config }`. The function reads it with JSON.parse and
 * two cheap checks instead of running the validator again, so the validator (and zod) stays out of every
 * function's code. The checks make sure a function never runs with a config that did not pass validation:
 * - `schema` is the fingerprint of the config's shape the document was validated against; a function built
 *   from another shape (an older stack's variable, a document written by hand) refuses it;
 * - `sha256` is the digest of `config` as written; a variable edited after synth (in the console) fails it.
 * deployed-config-writer.ts is the one writer, and it validates before it writes.
 */

/**
 * SHA-256 (first 16 hex digits) of the config schema's JSON Schema (output side): fields, types, enums and
 * defaults, the shape the functions read. test/controller/deployed-config.test.ts recomputes it, so a
 * change to the schema fails that test until this value follows it.
 */
export const CONFIG_SCHEMA_FINGERPRINT = '2023f3844b4208f2';

export interface DeployedConfigDocument {
  readonly schema: string;
  readonly sha256: string;
  readonly config: Config;
}

/** Digest of the config as the document carries it (JSON.stringify of parsed JSON gives back the same text). */
export const configDigest = (config: Config): string =>
  createHash('sha256').update(JSON.stringify(config), 'utf8').digest('base64url');

const VARIABLE = 'environment.ORGBACKUP_CONFIG';
const REDEPLOY = 'run `orgbackup validate` on the config file, then deploy the stack again (`cdk deploy`)';

/** The validated config from the function's variable; every reason it cannot be trusted is a ConfigValidationError. */
export function readDeployedConfig(text: string): Config {
  const refuse = (message: string) => new ConfigValidationError([{ path: VARIABLE, message, fix: REDEPLOY }]);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw refuse(`not JSON: ${String(error)}`);
  }
  if (!isDocument(document)) {
    throw refuse('not a deployed config document ({ schema, sha256, config }) as the stack writes it');
  }
  if (document.schema !== CONFIG_SCHEMA_FINGERPRINT) {
    throw refuse(
      `validated against config schema ${document.schema}, but this function reads schema ${CONFIG_SCHEMA_FINGERPRINT}`,
    );
  }
  if (configDigest(document.config) !== document.sha256) {
    throw refuse('the config was changed after it was validated (its SHA-256 does not match)');
  }
  return document.config;
}

function isDocument(value: unknown): value is DeployedConfigDocument {
  if (typeof value !== 'object' || value === null) return false;
  const { schema, sha256, config } = value as Record<string, unknown>;
  return (
    typeof schema === 'string' &&
    typeof sha256 === 'string' &&
    typeof config === 'object' &&
    config !== null &&
    !Array.isArray(config)
  );
}
