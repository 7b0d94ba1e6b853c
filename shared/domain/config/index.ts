export { loadConfigFromText, parseConfigText } from './parse.js';
export type { ConfigProblem } from './problems.js';
export type { Config } from './schema.js';
export { validateConfig } from './validate.js';
export { ConfigValidationError } from './validation-error.js';
