import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { ClientFactory } from './clients.js';
import { atCallSite } from './errors.js';

export interface CallerIdentity {
  readonly accountId: string;
  /** The caller's ARN; its second field is the partition (`aws`, `aws-us-gov`, `aws-cn`). */
  readonly arn: string;
  readonly partition: string;
}

/**
 * Who the factory's management-account credentials belong to (STS GetCallerIdentity, which needs no IAM
 * permission). Lets a CLI learn the management account id from whatever credentials the user has.
 */
export async function whoAmI(factory: ClientFactory): Promise<CallerIdentity> {
  const identity = await atCallSite(
    { operation: 'GetCallerIdentity', accountId: factory.managementAccountId, region: factory.homeRegion },
    () =>
      factory
        .clientOf(STSClient, factory.managementAccountId, factory.homeRegion)
        .send(new GetCallerIdentityCommand({})),
  );
  const arn = identity.Arn ?? '';
  return { accountId: identity.Account ?? '', arn, partition: arn.split(':')[1] ?? 'aws' };
}
