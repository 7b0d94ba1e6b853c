import type { GetBucketEncryptionCommandInput, GetBucketVersioningCommandInput } from '@aws-sdk/client-s3';
import { type Call, fail, type ServiceHandlers } from '../call.js';
import type { SimResource } from '../state.js';

/** S3 bucket settings the controller reads: versioning and default encryption, by bucket name. */

function requireBucket(call: Call, name: string | undefined): SimResource {
  const bucket = call.state.resources.get(`arn:aws:s3:::${name ?? ''}`);
  if (!bucket || bucket.deleted) fail(call, 'NoSuchBucket', 'The specified bucket does not exist');
  if (bucket.accountId !== call.caller.accountId) fail(call, 'AccessDenied', 'Access Denied');
  return bucket;
}

export const s3Handlers: ServiceHandlers = {
  // A bucket whose versioning was never enabled answers without a Status.
  GetBucketVersioning: (call: Call, input: GetBucketVersioningCommandInput) =>
    requireBucket(call, input.Bucket).versioning ? { Status: 'Enabled' } : {},

  // Every bucket has default encryption: SSE-S3 unless a KMS key is set.
  GetBucketEncryption: (call: Call, input: GetBucketEncryptionCommandInput) => {
    const bucket = requireBucket(call, input.Bucket);
    return {
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: bucket.kmsKeyArn
              ? { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: bucket.kmsKeyArn }
              : { SSEAlgorithm: 'AES256' },
            BucketKeyEnabled: bucket.kmsKeyArn !== undefined,
          },
        ],
      },
    };
  },
};
