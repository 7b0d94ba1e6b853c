import { describe, expect, it } from 'vitest';
import {
  JOB_LOOKBACK_MS,
  jobMemoryChanged,
  jobsReadSince,
  mergeJobs,
  nextJobMemory,
  WATERMARK_MARGIN_MS,
  WATERMARK_STEP_MS,
} from '../../../shared/domain/evaluate/job-memory.js';
import type { JobOutcome } from '../../../shared/domain/model.js';
import { NOW } from '../fixtures/desired.js';
import { ebsVolumeArn, hoursBefore, job } from '../fixtures/observed.js';

const volume = ebsVolumeArn();
const backup = (id: string, state: JobOutcome['state'], hoursOld: number, message: string | null = null) =>
  job({ jobId: id, resourceArn: volume, state, creationDate: hoursBefore(hoursOld), statusMessage: message });

describe('job watermark', () => {
  it.each([
    {
      why: 'no memory (first run, or lost): the whole window',
      watermark: null,
      since: JOB_LOOKBACK_MS / 3_600_000,
    },
    { why: 'a watermark 3 h back: from there', watermark: 3, since: 3 },
    {
      why: 'a watermark older than the window: the window',
      watermark: 24 * 30,
      since: JOB_LOOKBACK_MS / 3_600_000,
    },
  ])('$why', ({ watermark, since }) => {
    const memory = watermark === null ? null : { watermark: hoursBefore(watermark), jobs: [] };
    expect(jobsReadSince(memory, NOW)).toEqual(hoursBefore(since));
  });

  it('stays a margin behind the read, and never passes a job still running', () => {
    const done = nextJobMemory([backup('a', 'COMPLETED', 2)], [], NOW);
    expect(done.watermark).toEqual(new Date(NOW.getTime() - WATERMARK_MARGIN_MS));
    const running = [backup('a', 'COMPLETED', 9), backup('b', 'RUNNING', 5), backup('c', 'CREATED', 2)];
    expect(nextJobMemory(running, running, NOW).watermark).toEqual(hoursBefore(5));
  });

  it('a job RUNNING at one read and FAILED at a later one is seen failed', () => {
    const first = [backup('a', 'RUNNING', 5)];
    const memory = nextJobMemory(first, mergeJobs(first, null, NOW), NOW);
    const later = new Date(NOW.getTime() + 6 * 3_600_000);
    // The next listing starts at or before the running job's creation, so it is listed again.
    expect(jobsReadSince(memory, later).getTime()).toBeLessThanOrEqual(hoursBefore(5).getTime());
    const second = [backup('a', 'FAILED', 5, 'Access denied')];
    expect(mergeJobs(second, memory, later).map((j) => [j.jobId, j.state])).toEqual([['a', 'FAILED']]);
  });

  it.each([
    {
      why: 'a failure and the newer success that ended it are kept; older successes are not',
      jobs: [
        backup('old-ok', 'COMPLETED', 70),
        backup('failed', 'FAILED', 46),
        backup('ok', 'COMPLETED', 22),
      ],
      kept: ['ok', 'failed'],
    },
    {
      why: 'only successes: nothing to keep (recovery points judge them)',
      jobs: [backup('ok1', 'COMPLETED', 46), backup('ok2', 'COMPLETED', 22)],
      kept: [],
    },
    {
      why: 'completed with issues is kept like a failure',
      jobs: [
        job({
          jobId: 'issues',
          resourceArn: volume,
          state: 'COMPLETED',
          messageCategory: 'AccessDenied',
          creationDate: hoursBefore(3),
        }),
      ],
      kept: ['issues'],
    },
    {
      why: 'running jobs are read again from the watermark, never kept',
      jobs: [backup('failed', 'FAILED', 30), backup('running', 'RUNNING', 2)],
      kept: ['failed'],
    },
    {
      why: 'a failure older than the window is dropped',
      jobs: [backup('ancient', 'FAILED', 24 * 9)],
      kept: [],
    },
  ])('$why', ({ jobs, kept }) => {
    const memory = nextJobMemory(jobs, mergeJobs(jobs, null, NOW), NOW);
    expect(memory.jobs.map((j) => j.jobId)).toEqual(kept);
  });

  it('is stored again only when the kept jobs change or the watermark moved far', () => {
    const stored = { watermark: hoursBefore(2), jobs: [backup('failed', 'FAILED', 30)] };
    expect(jobMemoryChanged(null, stored)).toBe(true);
    expect(jobMemoryChanged(stored, { ...stored, watermark: hoursBefore(1) })).toBe(false);
    const far = new Date(stored.watermark.getTime() + WATERMARK_STEP_MS);
    expect(jobMemoryChanged(stored, { ...stored, watermark: far })).toBe(true);
    expect(jobMemoryChanged(stored, { ...stored, jobs: [] })).toBe(true);
  });
});
