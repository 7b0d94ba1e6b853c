import * as account from '@aws-sdk/client-account';
import * as backup from '@aws-sdk/client-backup';
import * as cloudtrail from '@aws-sdk/client-cloudtrail';
import * as ec2 from '@aws-sdk/client-ec2';
import * as eventbridge from '@aws-sdk/client-eventbridge';
import * as fsx from '@aws-sdk/client-fsx';
import * as iam from '@aws-sdk/client-iam';
import * as kms from '@aws-sdk/client-kms';
import * as organizations from '@aws-sdk/client-organizations';
import * as rds from '@aws-sdk/client-rds';
import * as tagging from '@aws-sdk/client-resource-groups-tagging-api';
import * as s3 from '@aws-sdk/client-s3';
import * as secretsmanager from '@aws-sdk/client-secrets-manager';
import * as sns from '@aws-sdk/client-sns';
import * as sts from '@aws-sdk/client-sts';

/**
 * Errors exactly as the SDK would raise them: the service package's own exception class when the error is
 * modeled (so `instanceof` and `name` checks hold), otherwise the service's base exception with the wire
 * code as `name` (e.g. STS `AccessDenied`), like the SDK's unmodeled-error path.
 */

/** IAM-style service prefixes, as used in `service:Operation` keys for counters and faults. */
export type ServiceName =
  | 'account'
  | 'backup'
  | 'organizations'
  | 'tag'
  | 'sts'
  | 'iam'
  | 'kms'
  | 'events'
  | 'sns'
  | 'secretsmanager'
  | 'cloudtrail'
  | 'ec2'
  | 'rds'
  | 'fsx'
  | 's3';

type ExceptionBase = new (options: {
  name: string;
  $fault: 'client' | 'server';
  $metadata: Record<string, unknown>;
  message?: string;
}) => Error;

interface ServiceInfo {
  readonly clientName: string;
  readonly exports: Record<string, unknown>;
  readonly base: ExceptionBase;
  /**
   * The code the service uses when it throttles; the SDK retries every one of them
   * (docs/aws-behaviour.md#sdk-retries).
   */
  readonly throttlingCode: string;
}

const SERVICES: Readonly<Record<ServiceName, ServiceInfo>> = {
  account: {
    clientName: 'AccountClient',
    exports: account,
    base: account.AccountServiceException,
    throttlingCode: 'TooManyRequestsException',
  },
  backup: {
    clientName: 'BackupClient',
    exports: backup,
    base: backup.BackupServiceException,
    throttlingCode: 'ThrottlingException',
  },
  organizations: {
    clientName: 'OrganizationsClient',
    exports: organizations,
    base: organizations.OrganizationsServiceException,
    throttlingCode: 'TooManyRequestsException',
  },
  tag: {
    clientName: 'ResourceGroupsTaggingAPIClient',
    exports: tagging,
    base: tagging.ResourceGroupsTaggingAPIServiceException,
    throttlingCode: 'ThrottledException',
  },
  sts: { clientName: 'STSClient', exports: sts, base: sts.STSServiceException, throttlingCode: 'Throttling' },
  iam: { clientName: 'IAMClient', exports: iam, base: iam.IAMServiceException, throttlingCode: 'Throttling' },
  kms: {
    clientName: 'KMSClient',
    exports: kms,
    base: kms.KMSServiceException,
    throttlingCode: 'ThrottlingException',
  },
  events: {
    clientName: 'EventBridgeClient',
    exports: eventbridge,
    base: eventbridge.EventBridgeServiceException,
    throttlingCode: 'ThrottlingException',
  },
  sns: {
    clientName: 'SNSClient',
    exports: sns,
    base: sns.SNSServiceException,
    throttlingCode: 'ThrottledException',
  },
  secretsmanager: {
    clientName: 'SecretsManagerClient',
    exports: secretsmanager,
    base: secretsmanager.SecretsManagerServiceException,
    throttlingCode: 'ThrottlingException',
  },
  cloudtrail: {
    clientName: 'CloudTrailClient',
    exports: cloudtrail,
    base: cloudtrail.CloudTrailServiceException,
    throttlingCode: 'ThrottlingException',
  },
  ec2: {
    clientName: 'EC2Client',
    exports: ec2,
    base: ec2.EC2ServiceException,
    throttlingCode: 'RequestLimitExceeded',
  },
  rds: { clientName: 'RDSClient', exports: rds, base: rds.RDSServiceException, throttlingCode: 'Throttling' },
  fsx: {
    clientName: 'FSxClient',
    exports: fsx,
    base: fsx.FSxServiceException,
    throttlingCode: 'ThrottlingException',
  },
  s3: { clientName: 'S3Client', exports: s3, base: s3.S3ServiceException, throttlingCode: 'SlowDown' },
};

export function serviceOfClient(clientName: string): ServiceName | undefined {
  return (Object.keys(SERVICES) as ServiceName[]).find(
    (service) => SERVICES[service].clientName === clientName,
  );
}

const SERVER_FAULTS = new Set([
  'ServiceUnavailableException',
  'DependencyFailureException',
  'InternalServiceException',
  'ServiceException',
]);

/** Builds the error the SDK would throw for `name` from `service`, with the modeled fields given. */
export function serviceError(
  service: ServiceName,
  name: string,
  message: string,
  fields: Record<string, unknown> = {},
  httpStatusCode = SERVER_FAULTS.has(name) ? 500 : 400,
): Error {
  const info = SERVICES[service];
  const candidate = info.exports[name];
  const $metadata = { httpStatusCode, requestId: `sandbox-${name}` };
  if (typeof candidate === 'function' && candidate.prototype instanceof info.base) {
    const Modeled = candidate as new (options: Record<string, unknown>) => Error;
    return new Modeled({ message, Message: message, $metadata, ...fields });
  }
  const error = new info.base({
    name,
    $fault: SERVER_FAULTS.has(name) ? 'server' : 'client',
    $metadata,
    message,
  });
  return Object.assign(error, fields);
}

/** A throttling error the SDK's standard retry strategy recognises and retries. */
export function throttlingError(service: ServiceName): Error {
  const name = SERVICES[service].throttlingCode;
  const error = serviceError(service, name, 'Rate exceeded', {}, service === 'organizations' ? 429 : 400);
  return Object.assign(error, { $retryable: { throttling: true } });
}
