import type { EventRouter } from './events.js';
import type { PolicyDocument } from './iam/policy.js';
import type { CredentialRegistry } from './identity.js';
import type { JobEngine } from './jobs.js';
import { type ServiceName, serviceError } from './sdk-errors.js';
import type { SimState } from './state.js';

/** Who is calling, as learned from the access key the sandbox issued. */
export interface Caller {
  readonly accountId: string;
  /** `arn:aws:iam::<acct>:user/…` or `arn:aws:sts::<acct>:assumed-role/<role>/<session>`. */
  readonly arn: string;
  readonly userId: string;
  /** Identity policies the credentials carry themselves; absent for role sessions (their role's policies apply). */
  readonly policies?: readonly PolicyDocument[];
}

/** One API call as a service handler sees it. */
export interface Call {
  readonly state: SimState;
  readonly events: EventRouter;
  readonly jobs: JobEngine;
  readonly credentials: CredentialRegistry;
  readonly caller: Caller;
  readonly region: string;
  readonly service: ServiceName;
  readonly operation: string;
}

// biome-ignore lint/suspicious/noExplicitAny: handlers are typed individually; the registry is heterogeneous.
export type Handler = (call: Call, input: any) => object;
export type ServiceHandlers = Readonly<Record<string, Handler>>;

export function fail(call: Call, name: string, message: string, fields: Record<string, unknown> = {}): never {
  throw serviceError(call.service, name, message, fields);
}

export const isManagement = (call: Call) =>
  call.caller.accountId === call.state.organization.managementAccountId;
