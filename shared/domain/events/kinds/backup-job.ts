import { jobEventKind } from './job-kind.js';

export const backupJobKind = jobEventKind({
  kind: 'backup-job',
  detailType: 'Backup Job State Change',
  idField: 'backupJobId',
  jobKind: 'BACKUP',
});
