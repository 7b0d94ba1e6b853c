import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ProcessRun } from '../support/child-process.js';
import { orgbackup, root } from './run-cli.js';

const ACCOUNT = '222222222222';
const REGION = 'eu-west-1';
/** The longest ARN AWS issues, and an SSM parameter whose ARN is at the parameter-name limit. */
export const LONGEST_ARN = `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-`.padEnd(2048, 'a');
export const LONG_PARAMETER = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/`.padEnd(1011, 'p');

/** The CLI fixture world with both resources added to one account. */
function longArnWorld(): unknown {
  const world = parse(readFileSync(join(root, 'test/cli/fixtures/plan-world.yaml'), 'utf8'));
  world.accounts[ACCOUNT].regions[REGION].resources.push(
    { arn: LONGEST_ARN, tags: { BackupEnabled: 'True' } },
    { arn: LONG_PARAMETER, tags: { BackupEnabled: 'True' } },
  );
  return world;
}

/**
 * `orgbackup sandbox --days 1 --json` on the CLI fixture world and config with the longest ARNs added, as a
 * user runs it (its own world file, its own process).
 */
export async function runLongArnDay(): Promise<ProcessRun> {
  const directory = mkdtempSync(join(tmpdir(), 'orgbackup-long-arns-'));
  try {
    const world = join(directory, 'long-arns.world.json');
    writeFileSync(world, JSON.stringify(longArnWorld()));
    const config = join(root, 'test/cli/fixtures/plan.config.yaml');
    return await orgbackup(['sandbox', '--world', world, '--config', config, '--days', '1', '--json']);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

let first: Promise<ProcessRun> | undefined;

/**
 * One run of `runLongArnDay`, shared by the files that only read it (test files share a worker's modules):
 * a simulated day in a child process is the slowest thing the CLI tests do.
 */
export function longArnDay(): Promise<ProcessRun> {
  first ??= runLongArnDay();
  return first;
}
