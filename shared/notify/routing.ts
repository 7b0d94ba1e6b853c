import type { AccountAncestry } from '../domain/model.js';

/** One entry of `alerts.routes`: where the alerts of some OUs or accounts go instead of the global channels. */
export interface AlertRoute {
  /** OU ids (`ou-…`) or paths (`/Workloads/Prod`); an account matches when it is anywhere below one. */
  readonly ous?: readonly string[] | undefined;
  readonly accounts?: readonly string[] | undefined;
  readonly snsTopic?: string | undefined;
  readonly slackWebhookSecretName?: string | undefined;
}

export interface AlertChannels {
  readonly topicArn: string | null;
  readonly slackSecretName: string | null;
}

/** True when some route names OUs, so the account's ancestry must be read before routing. */
export function routesNeedAncestry(routes: readonly AlertRoute[]): boolean {
  return routes.some((route) => (route.ous?.length ?? 0) > 0);
}

/**
 * The channels for one account's alerts: the first route naming the account or one of its OUs wins; a
 * channel the route leaves out stays the global one. null ancestry (not read) matches account routes only.
 */
export function routeAccount(
  accountId: string,
  ancestry: AccountAncestry | null,
  routes: readonly AlertRoute[],
  globals: AlertChannels,
): AlertChannels {
  const route = routes.find(
    (candidate) =>
      candidate.accounts?.includes(accountId) ||
      candidate.ous?.some((ou) => ancestry?.ouIds.includes(ou) || ancestry?.ouPaths.includes(ou)),
  );
  if (!route) return globals;
  return {
    topicArn: route.snsTopic ?? globals.topicArn,
    slackSecretName: route.slackWebhookSecretName ?? globals.slackSecretName,
  };
}
