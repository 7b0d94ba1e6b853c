import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDeployedConfig } from '../../shared/controller/deployed-config-writer.js';
import { lambdaDeps } from '../../shared/controller/lambda-runtime.js';
import { ConfigValidationError, loadConfigFromText } from '../../shared/domain/config/index.js';

const root = join(import.meta.dirname, '..', '..');
const example = loadConfigFromText(
  readFileSync(join(root, 'examples/orgbackup.config.yaml'), 'utf8'),
  'orgbackup.config.yaml',
);

describe('lambdaDeps (the deployed composition root)', () => {
  it('names every missing or malformed setting at once instead of failing on first use', () => {
    let error: unknown;
    try {
      lambdaDeps({ MANAGEMENT_ACCOUNT_ID: '123', AWS_REGION: 'eu-west-1' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const message = (error as Error).message;
    for (const name of [
      'ORGBACKUP_CONFIG',
      'FINDINGS_TABLE_NAME',
      'MANAGEMENT_ACCOUNT_ID',
      'ORGANIZATION_ID',
    ]) {
      expect(message).toContain(name);
    }
  });

  it('refuses a config that the stack did not validate, naming the variable and the fix', () => {
    expect(() =>
      lambdaDeps({
        ORGBACKUP_CONFIG: JSON.stringify({ version: 1, regions: ['mars-north-1'] }),
        FINDINGS_TABLE_NAME: 'findings',
        MANAGEMENT_ACCOUNT_ID: '111111111111',
        ORGANIZATION_ID: 'o-abcdefghij',
        AWS_REGION: 'eu-west-1',
      }),
    ).toThrow(/ORGBACKUP_CONFIG: not a deployed config document/);
  });

  it('builds the desired state from the one config document and the deployment facts, without calling AWS', () => {
    expect(example.ok).toBe(true);
    if (!example.ok) return;
    const deps = lambdaDeps({
      ORGBACKUP_CONFIG: writeDeployedConfig(example.config),
      FINDINGS_TABLE_NAME: 'findings',
      MANAGEMENT_ACCOUNT_ID: '111111111111',
      ORGANIZATION_ID: 'o-abcdefghij',
      AWS_REGION: 'eu-west-1',
      EVENT_BUS_ARN: 'arn:aws:events:eu-west-1:111111111111:event-bus/org-backup-controller',
    });
    expect(deps.desired.context).toEqual({
      managementAccountId: '111111111111',
      organizationId: 'o-abcdefghij',
      homeRegion: 'eu-west-1',
      eventBusArn: 'arn:aws:events:eu-west-1:111111111111:event-bus/org-backup-controller',
    });
    expect(deps.desired.regions).toEqual(example.config.regions);
    expect(deps.desired.eventForwarding?.busArn).toContain('event-bus/org-backup-controller');
    expect(deps.publisher).toBeNull();
  });
});
