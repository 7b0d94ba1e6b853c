export { kmsKeySpec } from './kms-key.js';
export { type ParsedConfigText, parseConfigText } from './parse.js';
export type { ConfigProblem } from './problems.js';
export type { CentralVaultConfig, Config, PlanConfig, VaultLockConfig } from './schema.js';
export {
  ConfigValidationError,
  type ConfigValidationResult,
  loadConfigFromText,
  MAX_POLICY_CHARACTERS,
  type ValidateOptions,
  validateConfig,
} from './validate.js';
