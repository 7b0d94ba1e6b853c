/** The sandbox's public API: a simulated AWS Organization for the real controller code. */
export type { Call, Caller } from './call.js';
export type { EffectiveNode } from './effective-policy.js';
export type { CallCounts } from './faults.js';
export {
  SandboxClockError,
  SandboxInspector,
  SandboxUnsupportedOperationError,
  SimulatedOrganization,
} from './simulated-organization.js';
export type { EventBridgeEvent, SnsMessage } from './state.js';
export { TimelineError } from './timeline.js';
export {
  type Faults,
  type FaultsInput,
  loadWorld,
  parseWorld,
  WORLD_FORMAT_VERSION,
  type World,
  type WorldInput,
  type WorldIssue,
  WorldSchema,
  WorldValidationError,
} from './world.js';
