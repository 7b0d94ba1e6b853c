/**
 * Jobs are read incrementally: each reconcile lists only the jobs created after the target's watermark and
 * merges them with what the previous reconcile kept, instead of listing the whole window again.
 *
 * Exactness: every consumer of a target's jobs looks only at failed jobs (the keys and the service-linked
 * role their messages name) and at the newest finished job of a resource and kind (its verdict). So the
 * memory keeps the window's failed (or completed-with-issues) jobs and, for each resource and kind with such
 * a job, the newest finished one; everything else a full-window read would return changes no verdict.
 *
 * Jobs change state after they are created, and a listing filters on creation time: a job still running is
 * read again until it finishes, because the watermark never passes the creation time of the oldest job seen
 * unfinished. The watermark also stays a margin behind the read time, for jobs that appear in listings a
 * little after their creation time. A first reconcile, or one whose memory is lost, reads the whole window.
 */
import { isJobFailure } from '../job-messages.js';
import type { JobMemory, JobOutcome } from '../model.js';
import { completedWithIssues, isFinished } from './policy-backups.js';

/**
 * Jobs are read this far back: long enough to see every job that can still finish (start plus completion
 * windows are at most a week). Older failures survive through the store (ResourceFinding.lastPolicyJob) and
 * freshness comes from recovery points, so plans that run less often than this are still judged right.
 */
export const JOB_LOOKBACK_MS = 8 * 24 * 60 * 60 * 1000;
/** How far behind the read time the watermark stays, for jobs listed a little after their creation time. */
export const WATERMARK_MARGIN_MS = 60 * 60 * 1000;

/** Where this reconcile's job listing starts: the watermark, never before the window. */
export function jobsReadSince(memory: JobMemory | null | undefined, now: Date): Date {
  const windowStart = now.getTime() - JOB_LOOKBACK_MS;
  return new Date(Math.max(windowStart, memory?.watermark.getTime() ?? windowStart));
}

/**
 * This listing's jobs with the ones the memory kept: a job read now replaces its remembered state; jobs
 * older than the window are dropped. Newest first.
 */
export function mergeJobs(
  read: readonly JobOutcome[],
  memory: JobMemory | null | undefined,
  now: Date,
): JobOutcome[] {
  const windowStart = now.getTime() - JOB_LOOKBACK_MS;
  const byId = new Map<string, JobOutcome>();
  for (const job of [...(memory?.jobs ?? []), ...read]) byId.set(`${job.kind}#${job.jobId}`, job);
  return [...byId.values()]
    .filter((job) => job.creationDate.getTime() > windowStart)
    .sort((a, b) => b.creationDate.getTime() - a.creationDate.getTime() || a.jobId.localeCompare(b.jobId));
}

/** What the next reconcile keeps: the watermark after this listing, and the jobs that can matter. */
export function nextJobMemory(
  read: readonly JobOutcome[],
  merged: readonly JobOutcome[],
  now: Date,
): JobMemory {
  const unfinished = read.filter((job) => !isFinished(job)).map((job) => job.creationDate.getTime());
  const watermark = new Date(Math.min(now.getTime() - WATERMARK_MARGIN_MS, ...unfinished));
  const groups = new Map<string, JobOutcome[]>();
  for (const job of merged.filter(isFinished)) {
    const where = job.destinationVaultArn ?? job.vaultName ?? '';
    const key = `${job.kind}#${job.resourceArn}#${where}#${job.origin?.backupPlanId ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), job]);
  }
  const kept = [...groups.values()].flatMap((jobs) => {
    const notable = jobs.filter(isNotable);
    if (notable.length === 0) return [];
    const newest = jobs.reduce((a, b) => (b.creationDate > a.creationDate ? b : a));
    return notable.includes(newest) ? notable : [...notable, newest];
  });
  return { watermark, jobs: mergeJobs(kept, null, now) };
}

function isNotable(job: JobOutcome): boolean {
  return isJobFailure(job) || completedWithIssues({ ...job, messageCategory: job.messageCategory ?? null });
}

/**
 * The watermark is stored again only after it has moved this far: reading from an older watermark is
 * always safe (it reads a few jobs twice), and a target's memory then costs a write a few times a day, not
 * one per reconcile.
 */
export const WATERMARK_STEP_MS = 6 * 60 * 60 * 1000;

/** Whether `next` must replace the stored memory: first one, other jobs kept, or the watermark moved far. */
export function jobMemoryChanged(stored: JobMemory | null, next: JobMemory): boolean {
  if (stored === null) return true;
  const kept = (memory: JobMemory) =>
    memory.jobs.map((job) => `${job.kind}#${job.jobId}#${job.state}`).join();
  if (kept(stored) !== kept(next)) return true;
  return next.watermark.getTime() - stored.watermark.getTime() >= WATERMARK_STEP_MS;
}
