import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import type { ClientFactory } from '../clients.js';

/**
 * The alert topic's and the Slack secret's clients, in the management account's home Region. Loaded by
 * `import()` when an alert is first delivered: most invocations deliver none.
 */
export function alertChannelClients(
  factory: ClientFactory,
  region: string = factory.homeRegion,
): { readonly sns: SNSClient; readonly secrets: SecretsManagerClient } {
  return {
    sns: factory.clientOf(SNSClient, factory.managementAccountId, region),
    secrets: factory.clientOf(SecretsManagerClient, factory.managementAccountId, region),
  };
}
