import { describe, expect, it } from 'vitest';
import { credentialsFailure } from '../../cli/credentials.js';

function missing(): Error {
  const error = new Error('Could not load credentials from any providers');
  error.name = 'CredentialsProviderError';
  return error;
}

describe('credentialsFailure', () => {
  it.each([
    {
      why: 'no profile set: say how to give credentials',
      env: {},
      says: 'Set AWS_PROFILE, or AWS_ACCESS_KEY_ID',
    },
    {
      why: 'a profile set that has none: name the profile instead of asking to set it',
      env: { AWS_PROFILE: 'nope' },
      says: 'Check that the profile "nope" (AWS_PROFILE) exists',
    },
  ])('$why', ({ env, says }) => {
    expect(credentialsFailure(missing(), env)).toContain(says);
  });

  it('is undefined for errors that are not about credentials', () => {
    expect(credentialsFailure(new Error('network down'), {})).toBeUndefined();
  });
});
