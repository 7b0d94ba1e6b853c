import { buildCli, isStale } from '../cli/build.js';

/**
 * Builds the compiled CLI once before any test runs it: test files start `cli/bin.js` in parallel, and
 * each would otherwise rebuild a stale bundle at the same time.
 */
export default async function setup(): Promise<void> {
  if (isStale()) await buildCli();
}
