import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { ClientFactory } from './clients.js';
import { type CallerIdentity, whoAmI } from './identity.js';

/**
 * A client factory on the standard credential chain (AWS_PROFILE, environment keys, SSO, …), keyed by the
 * account those credentials belong to, which only they can tell: for commands a person runs from a laptop
 * or CI, never for the deployed controller.
 */
export async function factoryForDefaultCredentials(options: {
  readonly memberRoleName: string;
  readonly homeRegion: string;
}): Promise<{ factory: ClientFactory; caller: CallerIdentity }> {
  const credentials = fromNodeProviderChain();
  const factoryFor = (managementAccountId: string) =>
    new ClientFactory({ managementAccountId, ...options, credentials });
  const caller = await whoAmI(factoryFor('caller'));
  return { factory: factoryFor(caller.accountId), caller };
}
