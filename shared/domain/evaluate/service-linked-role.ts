/**
 * AWS Backup's service-linked role AWSServiceRoleForBackup performs copies into the destination account
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/using-service-linked-roles-AWSServiceRoleForBackup.html).
 * AWS usually creates it itself; the controller creates it only once a failed copy or lifecycle job names it.
 */
import { isJobFailure } from '../job-messages.js';
import type { JobOutcome } from '../model.js';

export const BACKUP_SERVICE_LINKED_ROLE = 'AWSServiceRoleForBackup';

/** Failed copy (or lifecycle) jobs whose message names the service-linked role. */
export function jobsPointingToServiceLinkedRole(jobs: readonly JobOutcome[]): JobOutcome[] {
  return jobs.filter(
    (job) => isJobFailure(job) && (job.statusMessage ?? '').includes(BACKUP_SERVICE_LINKED_ROLE),
  );
}
