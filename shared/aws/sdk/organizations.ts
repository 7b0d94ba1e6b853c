import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { type ClientFactory, ORGANIZATIONS_REGION } from '../clients.js';

/** Organizations from the management account unless another account asks about itself. */
export function organizationsClient(
  factory: ClientFactory,
  accountId: string = factory.managementAccountId,
): OrganizationsClient {
  return factory.clientOf(OrganizationsClient, accountId, ORGANIZATIONS_REGION);
}
