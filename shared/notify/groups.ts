import { ALERT_KINDS, type AlertItem, type AlertKind, SEVERITY_RANK, type Severity } from './alerts.js';

/** Items of one kind that ended in the same status for the same reasons: shown as a count and a sample. */
export interface AlertGroup {
  readonly kind: AlertKind;
  readonly severity: Severity;
  /** The status the items changed to (`FAILING`), or the action kind for repairs. */
  readonly outcome: string;
  readonly reasons: readonly string[];
  readonly items: readonly AlertItem[];
}

/**
 * Groups an alert's items so that one account with thousands of failing resources reads as a few lines
 * ("FAILING: 3,000 resources, because …") plus a sample, never as thousands of lines. Kinds keep their
 * order, then the most severe and largest groups come first.
 */
export function groupItems(items: readonly AlertItem[]): AlertGroup[] {
  const groups = new Map<
    string,
    { kind: AlertKind; outcome: string; reasons: readonly string[]; items: AlertItem[] }
  >();
  for (const item of items) {
    const outcome = item.change.split('→').at(-1)?.trim() ?? item.change;
    const key = `${item.kind}|${outcome}|${item.reasons.join(',')}`;
    const group = groups.get(key) ?? { kind: item.kind, outcome, reasons: item.reasons, items: [] };
    group.items.push(item);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((group) => ({
      ...group,
      severity: group.items.reduce<Severity>(
        (worst, item) => (SEVERITY_RANK[item.severity] < SEVERITY_RANK[worst] ? item.severity : worst),
        'info',
      ),
    }))
    .sort(
      (a, b) =>
        ALERT_KINDS.indexOf(a.kind) - ALERT_KINDS.indexOf(b.kind) ||
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        b.items.length - a.items.length ||
        a.outcome.localeCompare(b.outcome),
    );
}

const RESOURCE_KINDS: ReadonlySet<AlertKind> = new Set([
  'RESOURCE_DEGRADED',
  'RESOURCE_FLAPPING',
  'RESOURCE_RECOVERED',
]);

/** Where the rest of a group can be read in full: the CLI command and the report API route. */
export function whereToReadTheRest(accountId: string, group: AlertGroup): string {
  if (RESOURCE_KINDS.has(group.kind)) {
    return (
      `orgbackup report --account ${accountId} --status ${group.outcome}` +
      ` (report API: GET /findings?account=${accountId}&status=${group.outcome})`
    );
  }
  if (group.kind === 'CHECK_FAILED' || group.kind === 'CHECK_WARNED' || group.kind === 'CHECK_RECOVERED') {
    return `the report API: GET /accounts/${accountId}`;
  }
  return `the report API: GET /actions (or GET /accounts/${accountId})`;
}

/** Stands in for the report API URL where the deployment did not say it (the stack output ReportApiUrl). */
const UNKNOWN_ENDPOINT = '<ReportApiUrl>';

/**
 * The command that opens the dashboard on exactly this group (the deployed page is behind IAM, so a link
 * alone would not open): the account, and for resources the status they changed to.
 */
export function dashboardCommand(endpoint: string | null, accountId: string, group: AlertGroup): string {
  const filters = [
    `account=${accountId}`,
    ...(RESOURCE_KINDS.has(group.kind) ? [`status=${group.outcome}`] : []),
  ];
  return `orgbackup dashboard --endpoint ${endpoint ?? UNKNOWN_ENDPOINT}${filters.map((f) => ` --filter ${f}`).join('')}`;
}
