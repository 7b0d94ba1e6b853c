/** One entry of `alerts.routes`: where the alerts of some OUs or accounts go instead of the global channels. */
export interface AlertRoute {
  /** OU ids (`ou-…`) or paths (`/Workloads/Prod`); an account matches when it is anywhere below one. */
  readonly ous?: readonly string[];
  readonly accounts?: readonly string[];
  readonly snsTopic?: string;
  readonly slackWebhookSecretName?: string;
}

export interface AlertChannels {
  readonly topicArn: string | null;
  readonly slackSecretName: string | null;
}

/** The OUs an account sits in, from its parent up to (not including) the root: ids and paths. */
export interface AccountAncestry {
  readonly ouIds: readonly string[];
  readonly ouPaths: readonly string[];
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
