import type { ComplianceReport, Mode } from '../domain/model.js';
import { buildReport } from '../domain/report.js';
import type { FindingsStore } from '../store/findings-store.js';
import type { Page, PageRequest } from '../store/types.js';

/**
 * The whole JSON report (design's contract), read back from the findings store: every finding, every
 * account × Region's checks, and the action history, in the report's deterministic order.
 */
export async function buildComplianceReport(
  store: FindingsStore,
  input: { readonly mode: Mode; readonly now: Date; readonly accountIds: readonly string[] },
): Promise<ComplianceReport> {
  const [findings, targetChecks, actions] = await Promise.all([
    readAll((page) => store.listFindings(page)),
    readAll((page) => store.listChecks(page)),
    readAll((page) => store.listActions(page)),
  ]);
  return buildReport({
    generatedAt: input.now,
    mode: input.mode,
    findings,
    targetChecks,
    actions: actions.reverse(),
    accountIds: input.accountIds,
  });
}

async function readAll<T>(read: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await read({ limit: 1000, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
