import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ClientFactory } from './clients.js';

/**
 * Writes a sweep's targets as one JSON array to S3, where the Distributed Map reads them: 5,000 accounts ×
 * 4 Regions is about 1 MB, four times Step Functions' payload limit.
 */
export async function putSweepTargets(
  factory: ClientFactory,
  location: { readonly bucket: string; readonly key: string },
  targets: readonly unknown[],
): Promise<void> {
  await factory.clientOf(S3Client, factory.managementAccountId, factory.homeRegion).send(
    new PutObjectCommand({
      Bucket: location.bucket,
      Key: location.key,
      Body: JSON.stringify(targets),
      ContentType: 'application/json',
    }),
  );
}
