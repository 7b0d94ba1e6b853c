import { type JobEvent, jobEventKind } from './job-kind.js';

export type BackupJobEvent = JobEvent<'backup-job'>;

export const backupJobKind = jobEventKind({
  kind: 'backup-job',
  detailType: 'Backup Job State Change',
  idField: 'backupJobId',
  jobKind: 'BACKUP',
});
