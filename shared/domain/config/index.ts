export { loadConfigFromText, parseConfigText } from './parse.js';
export type { ConfigProblem } from './problems.js';
export type { Config } from './schema.js';
export { ConfigValidationError, validateConfig } from './validate.js';
