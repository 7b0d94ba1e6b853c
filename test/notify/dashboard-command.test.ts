import { describe, expect, it } from 'vitest';
import type { AccountAlert, AlertItem } from '../../shared/notify/alerts.js';
import { formatEmail } from '../../shared/notify/format-email.js';
import { formatSlack } from '../../shared/notify/format-slack.js';

const ACCOUNT = '222222222222';
const ENDPOINT = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod';

const item = (overrides: Partial<AlertItem>): AlertItem => ({
  kind: 'RESOURCE_DEGRADED',
  severity: 'critical',
  region: 'eu-west-1',
  subject: `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/vol-1`,
  change: 'PROTECTED → FAILING',
  reasons: ['JOB_FAILED'],
  detail: 'The newest policy job failed.',
  ...overrides,
});

const alertOf = (items: AlertItem[]): AccountAlert => ({
  runId: 'run-1',
  accountId: ACCOUNT,
  at: '2026-03-04T10:00:00.000Z',
  severity: 'critical',
  items,
});

describe('the dashboard command in alerts', () => {
  it.each([
    {
      why: 'a resource group opens the dashboard on its account and the status it changed to',
      items: [item({})],
      endpoint: ENDPOINT,
      command: `orgbackup dashboard --endpoint ${ENDPOINT} --filter account=${ACCOUNT} --filter status=FAILING`,
    },
    {
      why: 'a check group opens the account only (checks are not findings with a status)',
      items: [item({ kind: 'CHECK_FAILED', subject: 'VAULT_EXISTS', change: 'PASS → FAIL' })],
      endpoint: ENDPOINT,
      command: `orgbackup dashboard --endpoint ${ENDPOINT} --filter account=${ACCOUNT}`,
    },
    {
      why: 'without a known report API URL the command names the stack output to put there',
      items: [item({})],
      endpoint: null,
      command: `orgbackup dashboard --endpoint <ReportApiUrl> --filter account=${ACCOUNT} --filter status=FAILING`,
    },
  ])('$why', ({ items, endpoint, command }) => {
    expect(formatEmail(alertOf(items), endpoint).body).toContain(`Dashboard: ${command}`);
    // Slack mrkdwn escapes angle brackets like any other text it is given.
    const inSlack = command.replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    expect(JSON.stringify(formatSlack(alertOf(items), endpoint))).toContain(inSlack);
  });
});
