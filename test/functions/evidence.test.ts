import { createHash } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEvidenceHandler } from '../../functions/evidence.js';
import { ClientFactory } from '../../shared/aws/clients.js';
import { type ControllerDeps, silentLog } from '../../shared/controller/deps.js';
import type { DesiredState } from '../../shared/domain/model.js';
import { NOW, type SeededStore, seededFindings, seedReportStore } from '../controller/report-fixture.js';

const s3 = mockClient(S3Client);
// The stubs sit on the clients' prototypes: later test files in the same worker get the real `send`.
afterAll(() => s3.restore());
let seeded: SeededStore;
let deps: ControllerDeps;

beforeAll(async () => {
  seeded = await seedReportStore();
  deps = {
    store: seeded.store,
    factory: new ClientFactory({
      managementAccountId: '111111111111',
      memberRoleName: 'OrgBackupControllerExecution',
      homeRegion: 'eu-west-1',
      credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' }),
    }),
    desired: { mode: 'enforce', regions: ['eu-west-1'] } as unknown as DesiredState,
    clock: { now: () => NOW },
    log: silentLog,
  } as ControllerDeps;
});
afterAll(() => seeded.close());
beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
});

describe('the daily evidence function', () => {
  it('writes the five files under evidence/<time>/, each with a SHA-256 checksum for Object Lock', async () => {
    const handler = createEvidenceHandler(() => deps, { EVIDENCE_BUCKET_NAME: 'evidence-bucket' });
    const result = await handler();
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    const prefix = `evidence/${NOW.toISOString()}/`;
    expect(result.prefix).toBe(prefix);
    expect(puts.map((put) => put.Key)).toEqual(
      ['report.json', 'findings.csv', 'actions.csv', 'report.html', 'manifest.json'].map(
        (n) => `${prefix}${n}`,
      ),
    );
    for (const put of puts) {
      expect(put.Bucket).toBe('evidence-bucket');
      expect(put.ChecksumAlgorithm).toBe('SHA256');
    }
    const body = (name: string) => String(puts.find((put) => put.Key === `${prefix}${name}`)!.Body);
    const manifest = JSON.parse(body('manifest.json'));
    for (const file of manifest.files as { name: string; sha256: string }[]) {
      expect(createHash('sha256').update(body(file.name)).digest('hex')).toBe(file.sha256);
    }
    expect(manifest.mode).toBe('enforce');
    expect(manifest.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(body('report.json')).resources).toHaveLength(seededFindings().length);
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input.ContentType).toBe('application/json');
  });

  it('without its bucket setting it fails naming the variable, and writes nothing', async () => {
    const handler = createEvidenceHandler(() => deps, {});
    await expect(handler()).rejects.toThrow(/EVIDENCE_BUCKET_NAME/);
    expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
  });
});
