// What the page reads from the report API: the shapes of its JSON routes, as far as the page uses them.
import type { ResourceStatus } from '../../shared/domain/model.js';

export type Json = Record<string, unknown>;

export interface Finding {
  accountId: string;
  region: string;
  arn: string;
  resourceType: string | null;
  status: ResourceStatus;
  reasons: string[];
  detail: string;
  warnings: string[];
  warningDetail?: string;
  lastBackupTime: string | null;
  lastCopyTime: string | null;
  expectedBy: string | null;
  since: string;
}
export interface Counts {
  resources: number;
  byStatus: Record<ResourceStatus, number>;
}
export interface Target extends Counts {
  accountId: string;
  region: string;
  checks: { check: string; status: string; reason?: string; detail: string }[];
}
export interface Run {
  runId: string;
  startedAt: string;
  finishedAt?: string;
  counts: Record<ResourceStatus, number>;
}
export interface ActionRecord {
  kind: string;
  accountId: string;
  region: string;
  target: string;
  reason: string;
  applied: boolean;
  blocked?: { by: string; message: string };
  error?: { code: string; message: string };
  at: string;
}
export interface Transition {
  from: string | null;
  to: string;
  at: string;
  reasons: string[];
  detail: string;
}

export interface Summary {
  total: Counts & { accounts: number; coveragePercent: number };
  accounts: (Counts & { accountId: string })[];
  lastRun: Run | null;
}

/** One account's place in the organization (GET /organization). */
export interface Directory {
  accountId: string;
  name: string;
  ouPath: string;
}
