import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { type ClientFactory, ORGANIZATIONS_REGION } from '../clients.js';

// Alert routing by OU and the executor's policy actions load this module through `import()`, commands
// included, when a route names an OU or the org target has a policy to write.
export {
  AttachPolicyCommand,
  CreatePolicyCommand,
  DetachPolicyCommand,
  EnablePolicyTypeCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations';

/** Organizations from the management account unless another account asks about itself. */
export function organizationsClient(
  factory: ClientFactory,
  accountId: string = factory.managementAccountId,
): OrganizationsClient {
  return factory.clientOf(OrganizationsClient, accountId, ORGANIZATIONS_REGION);
}
