import { createHash } from 'node:crypto';
import packageJson from '../../package.json' with { type: 'json' };
import type { DesiredState, Mode } from '../domain/model.js';

/** What a report came from: the controller's version and the configuration it enforced. */
export interface ReportContext {
  readonly mode: Mode;
  /** SHA-256 (hex) of the desired state the configuration resolved to: equal hashes, equal configuration. */
  readonly configHash: string;
  readonly controllerVersion: string;
}

export function reportContext(desired: DesiredState): ReportContext {
  return {
    mode: desired.mode,
    configHash: createHash('sha256').update(JSON.stringify(desired), 'utf8').digest('hex'),
    controllerVersion: packageJson.version,
  };
}
