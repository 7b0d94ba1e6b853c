import { GetObjectCommand, type GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { readFailedTargets } from '../../shared/aws/fan-out-results.js';
import { MEMBER, OTHER_MEMBER, testFactory } from './support.js';

const s3 = mockClient(S3Client);
// The stubs sit on the clients' prototypes: later test files in the same worker get the real `send`.
afterAll(() => s3.restore());
const BUCKET = 'orgbackup-sweeps';
const MANIFEST = 'map-results/run-1/manifest.json';

/** S3 objects by key, served the way GetObject streams them. */
function serve(objects: Record<string, string>) {
  s3.on(GetObjectCommand).callsFake(({ Key }: { Key: string }) => {
    const text = objects[Key];
    if (text === undefined) throw Object.assign(new Error('missing'), { name: 'NoSuchKey' });
    return { Body: { transformToString: async () => text } } as unknown as GetObjectCommandOutput;
  });
}

const target = (accountId: string, region: string) => ({ kind: 'account-region', accountId, region });
const lines = (...values: unknown[]) => values.map((value) => JSON.stringify(value)).join('\n');

describe('readFailedTargets', () => {
  beforeEach(() => s3.reset());

  it("finds the targets a batch reported, those of batches the Catch recorded and of children that failed outright, in the Map's result files", async () => {
    serve({
      [MANIFEST]: JSON.stringify({
        ResultFiles: {
          SUCCEEDED: [{ Key: 'map-results/run-1/SUCCEEDED_0.json' }],
          FAILED: [{ Key: 'map-results/run-1/FAILED_0.json' }],
        },
      }),
      'map-results/run-1/SUCCEEDED_0.json': lines(
        { Output: JSON.stringify({ failedTargets: [] }) },
        {
          Output: JSON.stringify({
            failedTargets: [
              { accountId: MEMBER, region: 'ap-south-1', error: 'MemberCredentialsError: denied' },
            ],
          }),
        },
        {
          Output: JSON.stringify({
            targets: [target(MEMBER, 'eu-west-1'), target(MEMBER, 'eu-central-1')],
            error: 'Lambda.TooManyRequestsException',
            cause: 'Rate exceeded',
          }),
        },
        { failedTargets: [] },
      ),
      'map-results/run-1/FAILED_0.json': lines({
        Input: JSON.stringify({
          BatchInput: { runId: 'run-1', totalAccounts: 2, crossAccountBackupEnabled: null },
          Items: [target(OTHER_MEMBER, 'us-east-1')],
        }),
        Error: 'States.Timeout',
        Cause: 'The child execution timed out',
      }),
    });

    const failed = await readFailedTargets(testFactory(), { Bucket: BUCKET, Key: MANIFEST });

    expect(failed).toEqual([
      { accountId: OTHER_MEMBER, region: 'us-east-1', error: 'States.Timeout' },
      { accountId: MEMBER, region: 'ap-south-1', error: 'MemberCredentialsError: denied' },
      { accountId: MEMBER, region: 'eu-west-1', error: 'Lambda.TooManyRequestsException' },
      { accountId: MEMBER, region: 'eu-central-1', error: 'Lambda.TooManyRequestsException' },
    ]);
  });

  it('finds nothing when every item succeeded', async () => {
    serve({
      [MANIFEST]: JSON.stringify({ ResultFiles: { SUCCEEDED: [{ Key: 'ok.json' }] } }),
      'ok.json': lines({ Output: '{"failedTargets":[]}' }, { Output: '{"failedTargets":[]}' }),
    });
    expect(await readFailedTargets(testFactory(), { Bucket: BUCKET, Key: MANIFEST })).toEqual([]);
  });
});
