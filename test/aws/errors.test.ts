import { AlreadyExistsException, LimitExceededException } from '@aws-sdk/client-backup';
import {
  ConcurrentModificationException,
  ConstraintViolationException,
  TooManyRequestsException,
} from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import {
  AwsCallError,
  classifyAwsError,
  isAccountUnreachable,
  MemberCredentialsError,
  withConflictRetry,
} from '../../shared/aws/errors.js';

const named = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), { name, ...extra });

describe('classifyAwsError', () => {
  it.each([
    {
      err: new TooManyRequestsException({ message: 'slow down', $metadata: {} }),
      category: 'throttling',
      retryable: true,
      why: 'Organizations throttling is org-wide and retried by the SDK; surfacing means retry later',
    },
    {
      err: new LimitExceededException({ message: 'vaults', $metadata: {} }),
      category: 'quota',
      retryable: false,
      why: 'the SDK already retried LimitExceeded as throttling, so what is left is a quota (300 vaults)',
    },
    {
      err: new ConstraintViolationException({
        message: 'x',
        Reason: 'POLICY_NUMBER_LIMIT_EXCEEDED',
        $metadata: {},
      }),
      category: 'quota',
      retryable: false,
      why: 'ConstraintViolation with a *_LIMIT_EXCEEDED reason is an Organizations quota',
    },
    {
      err: new ConstraintViolationException({
        message: 'x',
        Reason: 'SERVICE_ACCESS_NOT_ENABLED',
        $metadata: {},
      }),
      category: 'invalid',
      retryable: false,
      why: 'other ConstraintViolation reasons are unmet preconditions, not quotas',
    },
    {
      err: new ConcurrentModificationException({ message: 'busy', $metadata: {} }),
      category: 'conflict',
      retryable: true,
      why: 'the SDK does not retry it; we do, with withConflictRetry',
    },
    {
      err: named('PolicyChangesInProgressException'),
      category: 'conflict',
      retryable: true,
      why: 'effective-policy changes in progress: retry later',
    },
    {
      err: named('AccessDenied'),
      category: 'access-denied',
      retryable: false,
      why: 'STS trust denial is unmodeled and arrives with the bare name AccessDenied',
    },
    {
      err: new MemberCredentialsError(
        '111111111111',
        'arn:aws:iam::111111111111:role/r',
        named('AccessDenied'),
      ),
      category: 'access-denied',
      retryable: false,
      why: 'our wrapper for a failed AssumeRole',
    },
    {
      err: new AlreadyExistsException({ message: 'vault exists', $metadata: {} }),
      category: 'already-exists',
      retryable: false,
      why: 'idempotent creates treat it as done',
    },
    {
      err: named('NoSuchEntityException'),
      category: 'not-found',
      retryable: false,
      why: 'IAM says a role does not exist this way',
    },
    {
      err: named('EffectivePolicyNotFoundException'),
      category: 'not-found',
      retryable: false,
      why: 'a member without a backup policy',
    },
    {
      err: named('InvalidParameterValueException'),
      category: 'invalid',
      retryable: false,
      why: 'a request that can never succeed as sent',
    },
    {
      err: named('ServiceUnavailableException', { $fault: 'server' }),
      category: 'transient',
      retryable: true,
      why: 'server fault',
    },
    {
      err: named('SomethingNewException', { $metadata: { httpStatusCode: 503 } }),
      category: 'transient',
      retryable: true,
      why: 'an unknown name with a 5xx status is still a server fault',
    },
    {
      err: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      category: 'transient',
      retryable: true,
      why: 'network errors carry a Node code, not an AWS name',
    },
    {
      err: named('SomethingNewException'),
      category: 'unknown',
      retryable: false,
      why: 'unknown client fault',
    },
    {
      err: 'a string',
      category: 'unknown',
      retryable: false,
      why: 'non-errors must not crash classification',
    },
  ])('$why', ({ err, category, retryable }) => {
    const result = classifyAwsError(err);
    expect(result.category).toBe(category);
    expect(result.retryable).toBe(retryable);
  });

  it('uses the AWS error name as code and keeps the message', () => {
    const result = classifyAwsError(new AlreadyExistsException({ message: 'vault exists', $metadata: {} }));
    expect(result).toMatchObject({ code: 'AlreadyExistsException', message: 'vault exists' });
  });

  it('sees through AwsCallError to the classified cause', () => {
    const err = new AwsCallError(
      { operation: 'ListRoots', accountId: '111111111111', region: 'us-east-1' },
      new TooManyRequestsException({ message: 'slow', $metadata: {} }),
    );
    expect(err.code).toBe('TooManyRequestsException');
    expect(err.message).toContain('ListRoots in 111111111111/us-east-1');
    expect(classifyAwsError(err).category).toBe('throttling');
  });
});

describe('isAccountUnreachable', () => {
  it.each([
    {
      err: new MemberCredentialsError('1', 'arn', named('AccessDenied')),
      expected: true,
      why: 'AssumeRole failed',
    },
    {
      err: new AwsCallError({ operation: 'X', accountId: '1', region: 'r' }, named('AccessDenied')),
      expected: true,
      why: 'a bare STS AccessDenied wrapped at a call site',
    },
    {
      err: named('AccessDeniedException'),
      expected: false,
      why: 'a service denying one call means the account was reached',
    },
  ])('$why', ({ err, expected }) => {
    expect(isAccountUnreachable(err)).toBe(expected);
  });
});

describe('withConflictRetry', () => {
  it('retries conflicts with exponential backoff through the injected sleep', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await withConflictRetry(
      async () => {
        calls++;
        if (calls < 3) throw named('ConcurrentModificationException');
        return 'done';
      },
      { attempts: 5, baseDelayMs: 100, sleep: async (ms) => void sleeps.push(ms) },
    );
    expect(result).toBe('done');
    expect(sleeps).toEqual([100, 200]);
  });

  it('gives up after the configured attempts', async () => {
    let calls = 0;
    const failing = withConflictRetry(
      async () => {
        calls++;
        throw named('PolicyChangesInProgressException');
      },
      { attempts: 3, baseDelayMs: 1, sleep: async () => {} },
    );
    await expect(failing).rejects.toMatchObject({ name: 'PolicyChangesInProgressException' });
    expect(calls).toBe(3);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    const failing = withConflictRetry(
      async () => {
        calls++;
        throw named('InvalidInputException');
      },
      { attempts: 5, baseDelayMs: 1, sleep: async () => {} },
    );
    await expect(failing).rejects.toMatchObject({ name: 'InvalidInputException' });
    expect(calls).toBe(1);
  });
});
