import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { CONFIG_SCHEMA_FINGERPRINT, readDeployedConfig } from '../../shared/controller/deployed-config.js';
import { writeDeployedConfig } from '../../shared/controller/deployed-config-writer.js';
import { type Config, ConfigValidationError, loadConfigFromText } from '../../shared/domain/config/index.js';
import { configSchema } from '../../shared/domain/config/schema.js';

const root = join(import.meta.dirname, '..', '..');
const loaded = loadConfigFromText(
  readFileSync(join(root, 'examples/orgbackup.config.yaml'), 'utf8'),
  'orgbackup.config.yaml',
);
if (!loaded.ok) throw new Error('the example config is invalid');
const example: Config = loaded.config;

const refusal = (text: string): string => {
  try {
    readDeployedConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as Error).message;
  }
  throw new Error('the document was accepted');
};

describe('the deployed config document (validated at synth, read without the validator)', () => {
  it('carries the fingerprint of the schema the functions are built with', () => {
    const shape = JSON.stringify(z.toJSONSchema(configSchema, { io: 'output', unrepresentable: 'any' }));
    const fingerprint = createHash('sha256').update(shape, 'utf8').digest('hex').slice(0, 16);
    // A failure here means the config schema changed: set CONFIG_SCHEMA_FINGERPRINT to this value.
    expect(CONFIG_SCHEMA_FINGERPRINT).toBe(fingerprint);
  });

  it('gives back exactly the validated config', () => {
    expect(readDeployedConfig(writeDeployedConfig(example))).toEqual(example);
  });

  it('cannot be written for a config that does not validate', () => {
    const invalid = { ...example, regions: ['mars-north-1'] } as unknown as Config;
    expect(() => writeDeployedConfig(invalid)).toThrow(ConfigValidationError);
    expect(() => writeDeployedConfig(invalid)).toThrow(/regions/);
  });

  it.each([
    {
      reason: 'edited after synth (the console)',
      edit: (document: Record<string, unknown>) => ({
        ...document,
        config: { ...(document.config as object), mode: 'enforce' },
      }),
      message: /changed after it was validated/,
    },
    {
      reason: 'validated against another schema (an older stack)',
      edit: (document: Record<string, unknown>) => ({ ...document, schema: 'feedfacefeedface' }),
      message: /schema feedfacefeedface/,
    },
    {
      reason: 'the bare config, never validated by the stack',
      edit: (document: Record<string, unknown>) => document.config,
      message: /not a deployed config document/,
    },
  ])('refuses a document $reason', ({ edit, message }) => {
    const document = JSON.parse(writeDeployedConfig({ ...example, mode: 'audit' }));
    expect(refusal(JSON.stringify(edit(document)))).toMatch(message);
  });

  it('refuses text that is not JSON, naming the variable and the fix', () => {
    const message = refusal('mode: audit');
    expect(message).toContain('ORGBACKUP_CONFIG');
    expect(message).toContain('not JSON');
  });
});
