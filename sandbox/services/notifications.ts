import type { GetSecretValueCommandInput } from '@aws-sdk/client-secrets-manager';
import type { PublishCommandInput } from '@aws-sdk/client-sns';
import { type Call, fail, type ServiceHandlers } from '../call.js';

/** SNS Publish (captured for inspection) and Secrets Manager secrets of the management account. */

/**
 * SNS's limit for a message, attributes included: 262,144 bytes
 * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
 */
const SNS_MAX_BYTES = 262_144;

function publishedBytes(input: PublishCommandInput): number {
  let bytes = Buffer.byteLength(input.Message ?? '') + Buffer.byteLength(input.Subject ?? '');
  for (const [name, value] of Object.entries(input.MessageAttributes ?? {})) {
    bytes +=
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? '') +
      Buffer.byteLength(value.StringValue ?? '');
  }
  return bytes;
}

export const snsHandlers: ServiceHandlers = {
  Publish: (call: Call, input: PublishCommandInput) => {
    if (!input.TopicArn) fail(call, 'InvalidParameterException', 'Invalid parameter: TopicArn');
    if (!input.Message) fail(call, 'InvalidParameterException', 'Invalid parameter: Empty message');
    const bytes = publishedBytes(input);
    if (bytes > SNS_MAX_BYTES) fail(call, 'InvalidParameterException', 'Invalid parameter: Message too long');
    call.state.notifications.push({
      at: call.state.now.toISOString(),
      channel: 'sns',
      accountId: input.MessageAttributes?.accountId?.StringValue ?? null,
      severity: input.MessageAttributes?.severity?.StringValue ?? null,
      bytes,
      blocks: null,
    });
    call.state.snsMessages.push({
      at: call.state.now,
      fromAccount: call.caller.accountId,
      topicArn: input.TopicArn,
      subject: input.Subject,
      message: input.Message,
    });
    return { MessageId: call.state.nextId('sns', 32) };
  },
};

export const secretsHandlers: ServiceHandlers = {
  GetSecretValue: (call: Call, input: GetSecretValueCommandInput) => {
    const management = call.state.organization.managementAccountId;
    const id = input.SecretId ?? '';
    const name = id.startsWith('arn:') ? /:secret:(.+?)(-[A-Za-z0-9]{6})?$/.exec(id)?.[1] : id;
    const value = name === undefined ? undefined : call.state.secrets.get(name);
    if (call.caller.accountId !== management || name === undefined || value === undefined) {
      fail(call, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
    return {
      ARN: `arn:aws:secretsmanager:${call.region}:${management}:secret:${name}-sandbx`,
      Name: name,
      SecretString: value,
      VersionId: 'sandbox-version-1',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: call.state.now,
    };
  },
};
