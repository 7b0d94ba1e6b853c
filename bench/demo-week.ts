import { runSandbox } from '../sandbox/runner.js';
import { progress, timedValue } from './measure.js';
import { demoWorldAndConfig } from './worlds.js';

const DAY_MS = 86_400_000;

export interface DemoWeekRow {
  readonly days: number;
  readonly wallSeconds: number;
  readonly sweeps: number;
  readonly eventsDelivered: number;
  readonly calls: number;
  readonly writes: number;
  readonly coveragePercent: number;
}

/** What `npm start` does: the demo organization for `days` simulated days, a sweep every hour. */
export async function measureDemoWeek(days: number): Promise<DemoWeekRow> {
  progress(`demo week: sandbox/demo/world.yaml + examples/orgbackup.config.yaml for ${days} days`);
  const { world, config } = demoWorldAndConfig();
  const until = new Date(new Date(world.start).getTime() + days * DAY_MS);
  const { value: result, ms: wallMs } = await timedValue(() => runSandbox({ world, config, until, seed: 1 }));
  try {
    return {
      days,
      wallSeconds: wallMs / 1000,
      sweeps: result.history.length,
      eventsDelivered: result.events.delivered,
      calls: result.report.calls.total,
      writes: result.report.calls.writes,
      coveragePercent: result.report.summary.coveragePercent,
    };
  } finally {
    await result.close();
  }
}
