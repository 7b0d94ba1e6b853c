import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DeploymentConfigError,
  DeploymentContextError,
  loadDeploymentConfig,
  resolveConfigPath,
  resolveMemberTargets,
} from '../../infra/deployment-config.js';
import { loadConfigFromText } from '../../shared/domain/config/index.js';

describe('resolveMemberTargets', () => {
  const ids = { root: 'r-ab12', '/Workloads/Prod': 'ou-ab12-cdef3456' };
  it.each([
    {
      why: 'root needs its id from context',
      attachTo: ['root'],
      ous: ['r-ab12'],
      accounts: [],
      unresolved: [],
    },
    {
      why: 'OU ids are used as they are',
      attachTo: ['ou-zz99-abcdefgh'],
      ous: ['ou-zz99-abcdefgh'],
      accounts: [],
      unresolved: [],
    },
    {
      why: 'OU paths map through context',
      attachTo: ['/Workloads/Prod'],
      ous: ['ou-ab12-cdef3456'],
      accounts: [],
      unresolved: [],
    },
    {
      why: 'accounts are kept apart (deployed through the root)',
      attachTo: ['111122223333'],
      ous: [],
      accounts: ['111122223333'],
      unresolved: [],
    },
    {
      why: 'a path without an id stays unresolved (deploy-time parameter)',
      attachTo: ['/Sandbox'],
      ous: [],
      accounts: [],
      unresolved: ['/Sandbox'],
    },
  ])('$why', ({ attachTo, ous, accounts, unresolved }) => {
    expect(resolveMemberTargets(attachTo, ids)).toEqual({
      organizationalUnitIds: ous,
      accountIds: accounts,
      unresolved,
    });
  });

  it('rejects a context id that is neither a root nor an OU id', () => {
    expect(() => resolveMemberTargets(['root'], { root: '123' })).toThrow(DeploymentContextError);
  });
});

describe('config file', () => {
  const root = () => {
    const dir = mkdtempSync(join(tmpdir(), 'orgbackup-infra-'));
    writeFileSync(join(dir, 'example.yaml'), '');
    return dir;
  };

  it('fails clearly without a config rather than using the example, and takes orgbackup.config.yaml when present', () => {
    const dir = root();
    expect(() => resolveConfigPath(undefined, dir)).toThrow(
      'No config file: create orgbackup.config.yaml (start from examples/orgbackup.config.yaml), or pass -c configPath=FILE.',
    );
    writeFileSync(join(dir, 'orgbackup.config.yaml'), 'version: 1');
    expect(resolveConfigPath(undefined, dir)).toBe(join(dir, 'orgbackup.config.yaml'));
  });

  it('fails when an explicitly given configPath does not exist', () => {
    expect(() => resolveConfigPath('missing.yaml', root())).toThrow(
      /missing\.yaml \(context configPath\) does not exist/,
    );
  });

  it('fails synth with the same problems orgbackup validate reports', () => {
    const dir = root();
    const text = 'version: 1\nregions: []\nplans: []\nregoins: [eu-west-1]\n';
    writeFileSync(join(dir, 'bad.yaml'), text);
    const expected = loadConfigFromText(text, 'bad.yaml');
    if (expected.ok) throw new Error('the fixture must be invalid');
    const error = (() => {
      try {
        loadDeploymentConfig(join(dir, 'bad.yaml'), dir);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(DeploymentConfigError);
    expect((error as DeploymentConfigError).problems).toEqual(expected.problems);
    for (const problem of expected.problems) expect((error as Error).message).toContain(problem.message);
  });
});
