import { parseArn } from './resource-types.js';
import type { SimKey, SimState, SimVault } from './state.js';

export const vaultArn = (region: string, accountId: string, name: string) =>
  `arn:aws:backup:${region}:${accountId}:backup-vault:${name}`;

export function vaultByArn(state: SimState, arn: string): SimVault | undefined {
  const match = /^arn:aws:backup:([a-z0-9-]+):(\d{12}):backup-vault:(.+)$/.exec(arn);
  if (!match || !state.account(match[2]!)) return undefined;
  return state.region(match[2]!, match[1]!).vaults.get(match[3]!);
}

export function findKey(state: SimState, keyArn: string): SimKey | undefined {
  const parsed = parseArn(keyArn);
  if (!parsed || !state.account(parsed.accountId)) return undefined;
  const region = state.region(parsed.accountId, parsed.region);
  const keyId = keyArn.split('/').pop() ?? '';
  return region.keys.get(keyId);
}
