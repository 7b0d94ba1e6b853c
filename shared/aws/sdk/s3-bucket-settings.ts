// Loaded by `import()` where a target has tagged buckets.
export { GetBucketEncryptionCommand, GetBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
