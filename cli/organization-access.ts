import type { ClientFactory } from '../shared/aws/clients.js';
import { factoryForDefaultCredentials } from '../shared/aws/default-credentials.js';
import { observeOrganization } from '../shared/aws/observe-org.js';
import type { Config } from '../shared/domain/config/index.js';
import { CENTRAL_EVENT_BUS_NAME } from '../shared/domain/desired.js';
import type { ObservedOrganization, RuntimeContext } from '../shared/domain/model.js';

/** The real organization as the caller's management-account credentials see it, read-only. */
export interface RealOrganization {
  readonly factory: ClientFactory;
  readonly org: ObservedOrganization;
  /** The deployment facts a desired state is built with, as if the controller ran in `homeRegion`. */
  readonly context: RuntimeContext;
}

/**
 * Connects with the standard credential chain (AWS_PROFILE, environment keys, SSO, ...) and reads the
 * organization. Warns on stderr, naming the command, when the credentials are not the management account's.
 */
export async function readRealOrganization(
  config: Config,
  homeRegion: string,
  command: string,
  /** The role the factory assumes in member accounts. */
  memberRoleName: string = config.memberRoleName,
): Promise<RealOrganization> {
  const { factory, caller } = await factoryForDefaultCredentials({
    memberRoleName,
    homeRegion,
  });
  const org = await observeOrganization(factory, { policyName: config.policyName });
  if (org.managementAccountId !== caller.accountId) {
    process.stderr.write(
      `orgbackup ${command}: warning: these credentials are of account ${caller.accountId}, not the management account ${org.managementAccountId}; the controller runs in the management account.\n`,
    );
  }
  return {
    factory,
    org,
    context: {
      managementAccountId: org.managementAccountId,
      organizationId: org.organizationId,
      homeRegion,
      partition: caller.partition,
      eventBusArn: `arn:${caller.partition}:events:${homeRegion}:${org.managementAccountId}:event-bus/${CENTRAL_EVENT_BUS_NAME}`,
    },
  };
}
