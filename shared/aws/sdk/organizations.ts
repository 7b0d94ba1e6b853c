import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { type ClientFactory, ORGANIZATIONS_REGION } from '../clients.js';

// Alert routing by OU loads this module through `import()`, commands included, when a route names an OU.
export { ListOrganizationalUnitsForParentCommand, ListParentsCommand } from '@aws-sdk/client-organizations';

/** Organizations from the management account unless another account asks about itself. */
export function organizationsClient(
  factory: ClientFactory,
  accountId: string = factory.managementAccountId,
): OrganizationsClient {
  return factory.clientOf(OrganizationsClient, accountId, ORGANIZATIONS_REGION);
}
