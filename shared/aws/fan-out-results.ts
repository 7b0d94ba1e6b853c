import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import type { ClientFactory } from './clients.js';

/** Where the Distributed Map's result writer put a run's results: its manifest (`ResultWriterDetails`). */
export interface FanOutResultsLocation {
  readonly Bucket: string;
  readonly Key: string;
}

/** A target the fan-out gave up on (retries exhausted, timed out, throttled), with why. */
export interface FailedTarget {
  readonly accountId: string;
  readonly region: string;
  readonly error: string;
}

const target = z.object({ kind: z.literal('account-region'), accountId: z.string(), region: z.string() });

/** What the state machine's Catch writes for a target that still failed after its retries. */
const caughtFailure = z.object({
  ok: z.literal(false),
  target,
  error: z.string().nullish(),
  cause: z.string().nullish(),
});

const manifest = z.object({
  ResultFiles: z
    .object({
      FAILED: z.array(z.object({ Key: z.string() })).default([]),
      SUCCEEDED: z.array(z.object({ Key: z.string() })).default([]),
    })
    .partial()
    .default({}),
});

/** A result line: the child's output, or (for a child that failed outright) its input and error. */
const resultLine = z.looseObject({
  Output: z.unknown().optional(),
  Input: z.unknown().optional(),
  Error: z.string().nullish(),
  Cause: z.string().nullish(),
});

/**
 * Reads the targets a run's fan-out gave up on from the result files the Map wrote (JSON lines): items
 * the Catch recorded as `{ ok: false, target, error }`, and children that failed without being caught.
 * See https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html.
 */
export async function readFailedTargets(
  factory: ClientFactory,
  location: FanOutResultsLocation,
): Promise<FailedTarget[]> {
  const read = async (key: string) => {
    const object = await factory
      .clientOf(S3Client, factory.managementAccountId, factory.homeRegion)
      .send(new GetObjectCommand({ Bucket: location.Bucket, Key: key }));
    return (await object.Body?.transformToString('utf8')) ?? '';
  };
  const files = manifest.parse(JSON.parse(await read(location.Key))).ResultFiles;
  const keys = [...(files.FAILED ?? []), ...(files.SUCCEEDED ?? [])].map((file) => file.Key);
  const failed: FailedTarget[] = [];
  for (const key of keys) {
    for (const line of (await read(key)).split('\n')) {
      const found = line.trim() === '' ? null : failureIn(JSON.parse(line));
      if (found) failed.push(found);
    }
  }
  return failed;
}

function failureIn(value: unknown): FailedTarget | null {
  const line = resultLine.safeParse(value);
  if (!line.success) return null;
  const output = jsonOf(line.data.Output ?? value);
  const caught = caughtFailure.safeParse(output);
  if (caught.success) {
    const { accountId, region } = caught.data.target;
    return { accountId, region, error: caught.data.error ?? caught.data.cause ?? 'failed' };
  }
  if (!line.data.Error) return null;
  const input = z.object({ target }).safeParse(jsonOf(line.data.Input));
  if (!input.success) return null;
  const { accountId, region } = input.data.target;
  return { accountId, region, error: line.data.Error };
}

/** Step Functions writes child inputs and outputs as JSON strings. */
function jsonOf(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
