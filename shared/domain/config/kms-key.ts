import type { KmsKeySpec } from '../model.js';

/** `vault.kmsKey` as the desired state names it (the config value is already validated). */
export function kmsKeySpec(kmsKey: string): KmsKeySpec {
  if (kmsKey === 'aws/backup' || kmsKey === 'alias/aws/backup') return { type: 'aws-managed' };
  if (kmsKey.startsWith('alias/')) return { type: 'alias', alias: kmsKey };
  return { type: 'arn', arn: kmsKey };
}
