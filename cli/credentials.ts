/** Errors the SDK raises when no credentials could be found, or AWS refused the ones it found. */
const MISSING = new Set(['CredentialsProviderError', 'ProviderError', 'TokenProviderError']);
const REJECTED = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
]);

/**
 * One line telling the user how to fix their AWS credentials, when `error` (or its cause) is a credentials
 * problem; undefined for any other error.
 */
export function credentialsFailure(error: unknown, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (MISSING.has(current.name)) {
      // With AWS_PROFILE set, "set AWS_PROFILE" is no help: the profile itself is the problem.
      const fix = env.AWS_PROFILE
        ? `Check that the profile "${env.AWS_PROFILE}" (AWS_PROFILE) exists in ~/.aws/config or ~/.aws/credentials and has credentials, or run "aws sso login --profile ${env.AWS_PROFILE}".`
        : 'Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "aws sso login".';
      return `no AWS credentials found (${firstLine(current.message)}). ${fix}`;
    }
    if (REJECTED.has(current.name)) {
      return `AWS rejected the credentials (${current.name}: ${firstLine(current.message)}). Refresh them and retry.`;
    }
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
