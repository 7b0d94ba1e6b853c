import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as z from '../domain/zod-mini.js';
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

/** A batch's output: the targets its invocation recorded as failed, each with why. */
const batchOutput = z.object({
  failedTargets: z.array(z.object({ accountId: z.string(), region: z.string(), error: z.string() })),
});

/** What the state machine's Catch writes for a batch whose invocation still failed after its retries. */
const caughtFailure = z.object({
  targets: z.array(target),
  error: z.nullish(z.string()),
  cause: z.nullish(z.string()),
});

const manifest = z.object({
  ResultFiles: z._default(
    z.partial(
      z.object({
        FAILED: z._default(z.array(z.object({ Key: z.string() })), []),
        SUCCEEDED: z._default(z.array(z.object({ Key: z.string() })), []),
      }),
    ),
    {},
  ),
});

/** A result line: the child's output, or (for a child that failed outright) its input and error. */
const resultLine = z.looseObject({
  Output: z.optional(z.unknown()),
  Input: z.optional(z.unknown()),
  Error: z.nullish(z.string()),
  Cause: z.nullish(z.string()),
});

/**
 * Reads the targets a run's fan-out gave up on from the result files the Map wrote (JSON lines): targets
 * a batch's invocation recorded as failed (`failedTargets`), every target of a batch whose invocation the
 * Catch recorded as failed (`{ targets, error }`), and those of children that failed without being caught.
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
      if (line.trim() !== '') failed.push(...failuresIn(JSON.parse(line)));
    }
  }
  return failed;
}

function failuresIn(value: unknown): FailedTarget[] {
  const line = resultLine.safeParse(value);
  if (!line.success) return [];
  const output = jsonOf(line.data.Output ?? value);
  const reported = batchOutput.safeParse(output);
  if (reported.success) return reported.data.failedTargets;
  const caught = caughtFailure.safeParse(output);
  if (caught.success) {
    const error = caught.data.error ?? caught.data.cause ?? 'failed';
    return caught.data.targets.map(({ accountId, region }) => ({ accountId, region, error }));
  }
  if (!line.data.Error) return [];
  const input = z.object({ Items: z.array(target) }).safeParse(jsonOf(line.data.Input));
  if (!input.success) return [];
  const error = line.data.Error;
  return input.data.Items.map(({ accountId, region }) => ({ accountId, region, error }));
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
