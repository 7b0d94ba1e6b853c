import type {
  ActionRecord,
  CheckResult,
  ReasonCode,
  ResourceFinding,
  ResourceStatus,
  WarningCode,
} from '../../shared/domain/model.js';
import { FindingsStore } from '../../shared/store/findings-store.js';
import { createFindingsTable, type LocalDynamo, startLocalDynamo } from '../support/dynamo.js';

export const ACCOUNTS = ['111111111111', '222222222222', '333333333333'] as const;
export const REGIONS = ['eu-west-1', 'eu-central-1'] as const;
export const NOW = new Date('2026-03-04T12:00:00.000Z');

/** Per target, one resource of each row; every status occurs in every account and Region. */
const RESOURCES: readonly {
  readonly id: string;
  readonly type: string | null;
  readonly status: ResourceStatus;
  readonly reasons: readonly ReasonCode[];
  readonly detail: string;
  readonly warning?: { readonly code: WarningCode; readonly detail: string };
}[] = [
  {
    id: 'volume/vol-0001',
    type: 'EBS',
    status: 'PROTECTED',
    reasons: [],
    detail: 'Backed up at 05:12.',
    warning: {
      code: 'LOCK_BECOMES_IMMUTABLE',
      detail: 'The compliance lock of vault org-backup becomes immutable on 2026-03-09T00:00:00.000Z.',
    },
  },
  {
    id: 'volume/vol-0002',
    type: 'EBS',
    status: 'PENDING',
    reasons: ['AWAITING_FIRST_BACKUP'],
    detail: 'Tagged at 09:00; the first backup is due by 09:00 tomorrow.',
  },
  {
    id: 'table/orders',
    type: 'DynamoDB',
    status: 'UNPROTECTED',
    reasons: ['OPT_IN_DISABLED', 'VAULT_MISSING'],
    detail: 'Opt-in for DynamoDB is off, and the vault "org-backup" does not exist.',
  },
  {
    id: 'db:orders-db',
    type: 'RDS',
    status: 'STALE',
    reasons: ['RECOVERY_POINT_STALE'],
    detail: 'The newest recovery point is 3 days old; allowed: 28 hours.',
  },
  {
    id: 'bucket/logs',
    type: 'S3',
    status: 'FAILING',
    reasons: ['JOB_FAILED'],
    detail: 'Backup job failed: "Access denied to KMS key", see job 1234.',
  },
  {
    id: 'queue/jobs',
    type: null,
    status: 'UNKNOWN',
    reasons: ['OBSERVATION_FAILED'],
    detail: 'Throttled past retries,\nwill retry next sweep.',
  },
];

export function seededFinding(
  accountId: string,
  region: string,
  resource: (typeof RESOURCES)[number],
): ResourceFinding {
  const service = resource.type === 'S3' ? 's3' : resource.type === 'RDS' ? 'rds' : 'ec2';
  return {
    accountId,
    region,
    arn: `arn:aws:${service}:${region}:${accountId}:${resource.id}`,
    resourceType: resource.type,
    status: resource.status,
    reasons: resource.reasons,
    detail: resource.detail,
    warnings: resource.warning ? [resource.warning.code] : [],
    ...(resource.warning ? { warningDetail: resource.warning.detail } : {}),
    lastBackupTime:
      resource.status === 'PROTECTED' || resource.status === 'STALE' ? '2026-03-04T05:12:00.000Z' : null,
    lastCopyTime: null,
    expectedBy: resource.status === 'PENDING' ? '2026-03-05T09:00:00.000Z' : null,
    firstSeen: '2026-03-01T00:00:00.000Z',
    coveredSince: '2026-03-01T00:00:00.000Z',
    since: '2026-03-03T00:00:00.000Z',
  };
}

/** Every finding the fixture stores, in no particular order. */
export function seededFindings(): ResourceFinding[] {
  return ACCOUNTS.flatMap((accountId) =>
    REGIONS.flatMap((region) => RESOURCES.map((resource) => seededFinding(accountId, region, resource))),
  );
}

function checksFor(accountId: string): CheckResult[] {
  const vaultMissing = accountId === ACCOUNTS[1];
  return [
    { check: 'EFFECTIVE_POLICY', status: 'PASS', detail: 'The policy is in effect.' },
    vaultMissing
      ? { check: 'VAULT_EXISTS', status: 'FAIL', reason: 'VAULT_MISSING', detail: 'No vault "org-backup".' }
      : { check: 'VAULT_EXISTS', status: 'PASS', detail: 'The vault exists.' },
    { check: 'BACKUP_ROLE', status: 'PASS', detail: 'The backup role exists.' },
  ];
}

function actionsFor(accountId: string, region: string): ActionRecord[] {
  const at = NOW.toISOString();
  const vault = `arn:aws:backup:${region}:${accountId}:backup-vault:org-backup`;
  if (accountId === ACCOUNTS[0]) {
    return [
      {
        kind: 'CreateBackupVault',
        accountId,
        region,
        target: vault,
        reason: 'The vault is missing.',
        applied: true,
        at,
      },
    ];
  }
  if (accountId === ACCOUNTS[1]) {
    return [
      {
        kind: 'PutVaultLock',
        accountId,
        region,
        target: vault,
        reason: 'The vault lock is missing, so recovery points can be deleted.',
        applied: false,
        blocked: {
          by: 'IRREVERSIBLE_LOCK',
          message: 'A compliance lock is irreversible; set allowIrreversibleLock.',
        },
        at,
      },
    ];
  }
  return [
    {
      kind: 'EnableRegionOptIn',
      accountId,
      region,
      target: `${accountId}/${region}`,
      reason: 'DynamoDB resources are tagged but opt-in is off.',
      applied: false,
      error: {
        code: 'AccessDeniedException',
        message: 'not authorized to perform: backup:UpdateRegionSettings',
      },
      at,
    },
  ];
}

export interface SeededStore {
  readonly engine: LocalDynamo;
  readonly store: FindingsStore;
  close(): Promise<void>;
}

/**
 * A findings store on the local engine holding what a few sweeps would leave: 3 accounts × 2 Regions, one
 * resource of every status per target, checks (one account's vault missing), applied, blocked and failed
 * actions, and two runs.
 */
export async function seedReportStore(): Promise<SeededStore> {
  const engine = await startLocalDynamo();
  const tableName = 'report-findings';
  await createFindingsTable(engine.client, tableName);
  const store = new FindingsStore({ client: engine.client, tableName });
  await store.startRun({
    runId: 'schedule-2026-03-04T11:00:00.000Z',
    trigger: 'schedule',
    targets: 7,
    now: new Date(NOW.getTime() - 3_600_000),
  });
  await store.finishRun({
    runId: 'schedule-2026-03-04T11:00:00.000Z',
    now: new Date(NOW.getTime() - 3_000_000),
  });
  const runId = `schedule-${NOW.toISOString()}`;
  await store.startRun({ runId, trigger: 'schedule', targets: 7, now: NOW });
  for (const accountId of ACCOUNTS) {
    for (const region of REGIONS) {
      await store.saveTargetResult({
        accountId,
        region,
        findings: RESOURCES.map((resource) => seededFinding(accountId, region, resource)),
        checks: checksFor(accountId),
        actions: actionsFor(accountId, region),
        runId,
        now: NOW,
      });
    }
  }
  await store.finishRun({
    runId,
    now: new Date(NOW.getTime() + 60_000),
    errors: ['333333333333/eu-west-1: throttled'],
  });
  return { engine, store, close: () => engine.stop() };
}

/**
 * A strict RFC 4180 reader: CRLF between records, fields quoted when they hold a comma, quote or line break,
 * quotes doubled inside. Throws on anything else, so a test using it checks the format as well as the data.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let index = 0;
  if (!text.endsWith('\r\n')) throw new Error('CSV must end with CRLF');
  while (index < text.length) {
    let field = '';
    if (text[index] === '"') {
      index++;
      for (;;) {
        const quote = text.indexOf('"', index);
        if (quote < 0) throw new Error(`Unterminated quoted field at ${index}`);
        field += text.slice(index, quote);
        if (text[quote + 1] === '"') {
          field += '"';
          index = quote + 2;
        } else {
          index = quote + 1;
          break;
        }
      }
    } else {
      const end = text.slice(index).search(/[,\r\n"]/);
      const stop = end < 0 ? text.length : index + end;
      if (text[stop] === '"') throw new Error(`Unquoted field with a quote at ${stop}`);
      field = text.slice(index, stop);
      index = stop;
    }
    record.push(field);
    if (text[index] === ',') {
      index++;
    } else if (text.startsWith('\r\n', index)) {
      records.push(record);
      record = [];
      index += 2;
    } else {
      throw new Error(`Expected a comma or CRLF at ${index}, found ${JSON.stringify(text[index])}`);
    }
  }
  const width = records[0]?.length ?? 0;
  records.forEach((row, i) => {
    if (row.length !== width) throw new Error(`Record ${i} has ${row.length} fields, the header ${width}`);
  });
  return records;
}

/** CSV records as objects keyed by the header row. */
export function csvObjects(text: string): Record<string, string>[] {
  const [header = [], ...rows] = parseCsv(text);
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
}
