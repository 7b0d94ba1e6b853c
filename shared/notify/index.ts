export * from './alerts.js';
export * from './digest.js';
export * from './errors.js';
export * from './format-email.js';
export * from './format-slack.js';
export * from './publisher.js';
export { BLOCKED_WORDS, explainReasons, REASON_WORDS, remedies } from './wording.js';
