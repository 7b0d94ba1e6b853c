/** The sandbox's public API: a simulated AWS Organization for the real controller code. */
export type { CallCounts } from './faults.js';
export { SimulatedOrganization } from './simulated-organization.js';
export { loadWorld, parseWorld, type WorldInput, WorldValidationError } from './world.js';
