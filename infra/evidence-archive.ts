import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface EvidenceArchiveProps {
  /** The function that writes one evidence pack (functions/evidence.ts); it gets the bucket's name and put rights. */
  readonly writer: LambdaFunction;
  /** How long each pack stays locked (Object Lock, governance mode), in days. */
  readonly retentionDays: number;
  /** When the pack is written. @default 06:00 UTC every day */
  readonly schedule?: ScheduleExpression;
  /** Where an invocation that still fails after the scheduler's retries goes (alarmed by monitoring). */
  readonly deadLetterQueue: IQueue;
}

/**
 * Auditors' immutable history: a bucket (KMS-encrypted, versioned, TLS only, no public access) whose Object
 * Lock keeps every object for `retentionDays` in governance mode, and a daily schedule that writes a pack.
 * Governance mode: only a principal granted s3:BypassGovernanceRetention can shorten or remove a lock
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html); nothing in this stack is.
 */
export class EvidenceArchive extends Construct {
  readonly bucket: Bucket;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: EvidenceArchiveProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'org-backup-controller evidence packs',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.governance(Duration.days(props.retentionDays)),
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // Locked objects outlive any stack operation; the bucket holding them must too.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket.grantPut(props.writer);
    props.writer.addEnvironment('EVIDENCE_BUCKET_NAME', this.bucket.bucketName);
    // Its own role, so that what it may invoke is visible here: the writer, nothing else.
    const scheduleRole = new Role(this, 'ScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'Invokes the evidence function once a day',
    });
    new Schedule(this, 'Daily', {
      description: 'Writes the daily compliance evidence pack.',
      schedule: props.schedule ?? ScheduleExpression.cron({ hour: '6', minute: '0' }),
      target: new LambdaInvoke(props.writer, { role: scheduleRole, deadLetterQueue: props.deadLetterQueue }),
    });
  }
}
