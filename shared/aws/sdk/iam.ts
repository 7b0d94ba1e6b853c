import { IAMClient } from '@aws-sdk/client-iam';
import type { ClientFactory } from '../clients.js';

/** IAM is account-global; the controller's home Region resolves to the partition's global endpoint. */
export function iamClient(factory: ClientFactory, accountId: string): IAMClient {
  return factory.clientOf(IAMClient, accountId, factory.homeRegion);
}
