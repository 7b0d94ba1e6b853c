// Loaded by `import()` where a key is read or granted: only the member-target paths touch KMS.
export { KMSClient } from '@aws-sdk/client-kms';
