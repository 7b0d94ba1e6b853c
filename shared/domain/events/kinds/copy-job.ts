import { type JobEvent, jobEventKind } from './job-kind.js';

export type CopyJobEvent = JobEvent<'copy-job'>;

export const copyJobKind = jobEventKind({
  kind: 'copy-job',
  detailType: 'Copy Job State Change',
  idField: 'copyJobId',
  jobKind: 'COPY',
});
