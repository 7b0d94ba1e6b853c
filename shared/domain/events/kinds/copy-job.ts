import { jobEventKind } from './job-kind.js';

export const copyJobKind = jobEventKind({
  kind: 'copy-job',
  detailType: 'Copy Job State Change',
  idField: 'copyJobId',
  jobKind: 'COPY',
});
