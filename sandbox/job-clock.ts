import type { EventRouter } from './events.js';
import type { SimState } from './state.js';

/** What a job lifecycle needs from the engine: the world, its event buses, and a way to act later. */
export interface JobClock {
  readonly state: SimState;
  readonly events: EventRouter;
  /** Runs `run` at simulated time `at`. */
  at(at: Date, run: () => void): void;
}
