import type { Config } from '../domain/config/schema.js';
import { validateConfig } from '../domain/config/validate.js';
import { ConfigValidationError } from '../domain/config/validation-error.js';
import { CONFIG_SCHEMA_FINGERPRINT, configDigest, type DeployedConfigDocument } from './deployed-config.js';

/**
 * The document a deployed function reads its config from (see deployed-config.ts). It validates the config
 * first, so no document exists for a config that did not pass: synth (and the sandbox, which starts the
 * controller the same way) fail here with every problem named.
 */
export function writeDeployedConfig(config: Config): string {
  const validated = validateConfig(config);
  if (!validated.ok) throw new ConfigValidationError(validated.problems);
  const document: DeployedConfigDocument = {
    schema: CONFIG_SCHEMA_FINGERPRINT,
    sha256: configDigest(validated.config),
    config: validated.config,
  };
  return JSON.stringify(document);
}
