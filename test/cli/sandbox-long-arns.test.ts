import { describe, expect, it } from 'vitest';
import { LONG_PARAMETER, LONGEST_ARN, longArnDay } from './long-arn-day.js';

describe('orgbackup sandbox on a world with the longest ARNs', () => {
  it('completes a day and reports both resources', async () => {
    const json = await longArnDay();

    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const reported = JSON.parse(json.stdout).resources.map((finding: { arn: string }) => finding.arn);
    expect(reported).toEqual(expect.arrayContaining([LONGEST_ARN, LONG_PARAMETER]));
  });
});
