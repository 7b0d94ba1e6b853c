import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ClientFactory } from './clients.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/**
 * Writes an evidence pack's files under `prefix` in the evidence bucket. The bucket applies Object Lock by
 * default, and S3 accepts an upload to such a bucket only with an integrity checksum, so each put carries
 * a SHA-256 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html).
 */
export async function putEvidenceFiles(
  factory: ClientFactory,
  location: { readonly bucket: string; readonly prefix: string },
  files: readonly { readonly name: string; readonly body: string }[],
): Promise<string[]> {
  const keys: string[] = [];
  for (const file of files) {
    const key = `${location.prefix}${file.name}`;
    await factory.clientOf(S3Client, factory.managementAccountId, factory.homeRegion).send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: key,
        Body: file.body,
        ContentType: CONTENT_TYPES[file.name.split('.').pop() ?? ''] ?? 'application/octet-stream',
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    keys.push(key);
  }
  return keys;
}
