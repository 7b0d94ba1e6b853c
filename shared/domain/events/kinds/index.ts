/** Every event kind the controller reacts to; adding one is a new file here and a line below. */
import { backupCallKind } from './backup-call.js';
import { backupJobKind } from './backup-job.js';
import { copyJobKind } from './copy-job.js';
import { kmsCallKind } from './kms-call.js';
import { organizationsCallKind } from './organizations-call.js';
import { planChangeKind } from './plan-change.js';
import { recoveryPointKind } from './recovery-point.js';
import { regionSettingKind } from './region-setting.js';
import { restoreJobKind } from './restore-job.js';
import { tagChangeKind } from './tag-change.js';
import { vaultChangeKind } from './vault-change.js';

export const EVENT_KINDS = {
  'backup-job': backupJobKind,
  'copy-job': copyJobKind,
  'restore-job': restoreJobKind,
  'recovery-point': recoveryPointKind,
  'vault-change': vaultChangeKind,
  'plan-change': planChangeKind,
  'region-setting': regionSettingKind,
  'tag-change': tagChangeKind,
  'org-api-call': organizationsCallKind,
  'backup-api-call': backupCallKind,
  'kms-api-call': kmsCallKind,
} as const;

type Kinds = typeof EVENT_KINDS;
/** The event each kind parses to, by kind name. */
export type EventByKind = {
  [K in keyof Kinds]: Kinds[K] extends { readonly route: (event: infer E, ...rest: never[]) => unknown }
    ? E
    : never;
};
export type KnownEvent = EventByKind[keyof EventByKind];
