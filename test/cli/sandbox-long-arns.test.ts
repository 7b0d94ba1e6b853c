import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { orgbackup, root } from './run-cli.js';

const ACCOUNT = '222222222222';
const REGION = 'eu-west-1';
/** The longest ARN AWS issues, and an SSM parameter whose ARN is at the parameter-name limit. */
const LONGEST_ARN = `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-`.padEnd(2048, 'a');
const LONG_PARAMETER = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/`.padEnd(1011, 'p');

const directory = mkdtempSync(join(tmpdir(), 'orgbackup-long-arns-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** The CLI fixture world with both resources added to one account, written as a world file. */
function longArnWorld(): string {
  const world = parse(readFileSync(join(root, 'test/cli/fixtures/plan-world.yaml'), 'utf8'));
  world.accounts[ACCOUNT].regions[REGION].resources.push(
    { arn: LONGEST_ARN, tags: { BackupEnabled: 'True' } },
    { arn: LONG_PARAMETER, tags: { BackupEnabled: 'True' } },
  );
  const path = join(directory, 'long-arns.world.json');
  writeFileSync(path, JSON.stringify(world));
  return path;
}

describe('orgbackup sandbox on a world with the longest ARNs', () => {
  it('completes a day and reports both resources', async () => {
    const config = join(root, 'test/cli/fixtures/plan.config.yaml');
    const json = await orgbackup([
      'sandbox',
      '--world',
      longArnWorld(),
      '--config',
      config,
      '--days',
      '1',
      '--json',
    ]);

    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const reported = JSON.parse(json.stdout).resources.map((finding: { arn: string }) => finding.arn);
    expect(reported).toEqual(expect.arrayContaining([LONGEST_ARN, LONG_PARAMETER]));
  });
});
