/**
 * What about a tagged resource itself stops its backups or its copies, from what its service reports
 * (ObservedTarget.resourceDetails) and its key:
 *
 * | situation                                                                  | reason                   |
 * |----------------------------------------------------------------------------|--------------------------|
 * | S3 bucket without versioning (https://docs.aws.amazon.com/aws-backup/latest/devguide/s3-backups.html) | S3_VERSIONING_DISABLED |
 * | FSx for ONTAP file system tagged: tag selections back up ONTAP volumes (https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html) | FSX_ONTAP_TAG_VOLUMES |
 * | EBS / EC2 / RDS-family source on an AWS-managed key, copied to another account (AWS-managed keys cannot be shared: https://repost.aws/knowledge-center/backup-cross-account-copy) | SOURCE_KEY_NOT_SHAREABLE |
 * | same, on a customer-managed key whose policy does not let the central account use it | SOURCE_KEY_NOT_SHARED |
 *
 * Types fully managed by AWS Backup (S3, EFS, advanced DynamoDB…) are copied under the vault's key, so only
 * the types whose snapshots keep the source key are asked about it.
 */
import type { DesiredState, EffectiveRule, ObservedTarget, ReasonCode, TaggedResource } from '../model.js';
import { crossAccountKeyStatement, keyPolicyAllowsAccount } from '../policy/key-policy.js';
import { classifyArn } from '../resource-types.js';
import { centralVaultFor, copiesToCentral, resourceTypeHere } from './target-facts.js';

export interface ResourceProblem {
  readonly reason: ReasonCode;
  readonly why: string;
}

/** Problems that stop only the copies to the central account; the others stop the backups too. */
export function stopsOnlyCopies(problem: ResourceProblem): boolean {
  return problem.reason === 'SOURCE_KEY_NOT_SHAREABLE' || problem.reason === 'SOURCE_KEY_NOT_SHARED';
}

const SOURCE_KEY_TYPES: ReadonlySet<string> = new Set([
  'EBS',
  'EC2',
  'RDS',
  'Aurora',
  'DocumentDB',
  'Neptune',
]);

export function resourceProblems(
  desired: DesiredState,
  observed: ObservedTarget,
  resource: TaggedResource,
  rules: readonly EffectiveRule[],
): ResourceProblem[] {
  const details = observed.resourceDetails[resource.arn];
  if (!details) return [];
  const problems: ResourceProblem[] = [];
  if (details.versioningEnabled === false) {
    problems.push({
      reason: 'S3_VERSIONING_DISABLED',
      why: 'the bucket has no versioning, which AWS Backup needs to back up S3',
    });
  }
  if (classifyArn(resource.arn).taggingFilter === 'fsx:file-system' && details.fileSystemType === 'ONTAP') {
    problems.push({
      reason: 'FSX_ONTAP_TAG_VOLUMES',
      why: 'this is an FSx for ONTAP file system; tag selections back up its volumes, so tag those',
    });
  }
  return [...problems, ...sourceKeyProblems(desired, observed, resource, rules)];
}

function sourceKeyProblems(
  desired: DesiredState,
  observed: ObservedTarget,
  resource: TaggedResource,
  rules: readonly EffectiveRule[],
): ResourceProblem[] {
  const central = centralVaultFor(desired, observed.region);
  const type = resourceTypeHere(observed, resource.arn);
  if (!central || central.accountId === observed.accountId || type === null || !SOURCE_KEY_TYPES.has(type))
    return [];
  if (!rules.some((rule) => copiesToCentral(rule, desired, observed.region))) return [];
  const details = observed.resourceDetails[resource.arn];
  const keyArns = details?.volumeKeyArns ?? (details?.keyArn ? [details.keyArn] : []);
  return keyArns.flatMap((keyArn): ResourceProblem[] => {
    const key = observed.keys.find((candidate) => candidate.arn === keyArn);
    if (key?.manager === 'AWS') {
      return [
        {
          reason: 'SOURCE_KEY_NOT_SHAREABLE',
          why: `it is encrypted with the AWS-managed key ${keyArn}, which cannot be shared with the central account ${central.accountId}, so its ${type} backups cannot be copied there`,
        },
      ];
    }
    const policy = key?.policy;
    if (typeof policy !== 'string') return [];
    if (keyPolicyAllowsAccount(policy, central.accountId, desired.context.organizationId)) return [];
    return [
      {
        reason: 'SOURCE_KEY_NOT_SHARED',
        why: `the policy of its key ${keyArn} does not let the central account ${central.accountId} use it, so copies fail; the key owner adds ${crossAccountKeyStatement(central.accountId)}`,
      },
    ];
  });
}
