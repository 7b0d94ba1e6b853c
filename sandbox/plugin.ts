import type {
  AwsCredentialIdentity,
  FinalizeHandlerArguments,
  FinalizeHandlerOutput,
  FinalizeRequestMiddleware,
  HandlerExecutionContext,
  Pluggable,
  SerializeHandlerArguments,
  SerializeHandlerOutput,
  SerializeMiddleware,
} from '@smithy/types';

/**
 * The SDK plugin that answers commands in-process. How it learns what it needs (see README):
 * it runs in the `finalizeRequest` step right after `httpSigningMiddleware`, inside the SDK's retry loop, so
 * by then `context.__smithy_context.selectedHttpAuthScheme` holds the resolved credentials (who) and the
 * signing Region (where), `commandInstance.input` is the command input (what), and every error it throws
 * goes through the SDK's own retry decision, exactly like a response from AWS.
 */

export interface SandboxRequest {
  readonly clientName: string;
  /** e.g. `ListBackupVaults` */
  readonly operation: string;
  readonly input: Record<string, unknown>;
  readonly accessKeyId: string;
  readonly region: string;
  /** The SDK's context of this call: the same object on every attempt of one `send`. */
  readonly callId: object;
  /** 1 for the first attempt, 2 for the SDK's first retry, and so on. */
  readonly attempt: number;
}

/** Returns the command output, or undefined when the sandbox does not simulate this client (passed through). */
export type SandboxDispatcher = (request: SandboxRequest) => Promise<Record<string, unknown> | undefined>;

interface SmithyContext {
  readonly operation?: string;
  readonly commandInstance?: { readonly input?: Record<string, unknown> };
  readonly selectedHttpAuthScheme?: {
    readonly identity?: AwsCredentialIdentity;
    readonly httpAuthOption?: { readonly signingProperties?: { readonly region?: string } };
  };
}

const MIDDLEWARE_NAME = 'orgBackupSandbox';

/**
 * Two entry points, one answer. `finalizeRequest` (after `httpSigningMiddleware`, inside the retry loop) is
 * the faithful one: injected throttling and errors go through the SDK's own retry decision. When no fault can
 * fire (`faultsPossible()` is false) the same dispatch already answers in the `serialize` step, right after
 * `httpAuthSchemeMiddleware` has resolved the caller's credentials: the output and errors are the same, but
 * serialization, endpoint resolution and signing — most of an in-process call's cost — are skipped.
 */
export function createSandboxPlugin(
  dispatch: SandboxDispatcher,
  faultsPossible: () => boolean,
  /** Told when the SDK is done with a call, retries included (the timed mode's bookkeeping). */
  settled: (callId: object) => void = () => {},
  // biome-ignore lint/suspicious/noExplicitAny: one plugin is applied to clients of every service.
): Pluggable<any, any> {
  let requests = 0;
  const attempts = new WeakMap<object, number>();
  const answer = async (context: HandlerExecutionContext) => {
    const smithy = (context as unknown as { __smithy_context?: SmithyContext }).__smithy_context ?? {};
    const scheme = smithy.selectedHttpAuthScheme;
    const attempt = (attempts.get(context) ?? 0) + 1;
    attempts.set(context, attempt);
    const output = await dispatch({
      callId: context,
      attempt,
      clientName: context.clientName ?? '',
      operation: smithy.operation ?? (context.commandName ?? '').replace(/Command$/, ''),
      input: smithy.commandInstance?.input ?? {},
      accessKeyId: scheme?.identity?.accessKeyId ?? '',
      region: scheme?.httpAuthOption?.signingProperties?.region ?? '',
    });
    if (output === undefined) return undefined;
    requests++;
    const $metadata = { httpStatusCode: 200, requestId: `sandbox-${requests}` };
    return { response: { statusCode: 200, headers: {} }, output: { ...output, $metadata } };
  };
  const faithful: FinalizeRequestMiddleware<object, object> =
    (next, context: HandlerExecutionContext) =>
    async (args: FinalizeHandlerArguments<object>): Promise<FinalizeHandlerOutput<object>> =>
      (await answer(context)) ?? next(args);
  const fast: SerializeMiddleware<object, object> =
    (next, context: HandlerExecutionContext) =>
    async (args: SerializeHandlerArguments<object>): Promise<SerializeHandlerOutput<object>> => {
      if (!faultsPossible()) return (await answer(context)) ?? next(args);
      try {
        return await next(args);
      } finally {
        settled(context);
      }
    };
  return {
    applyToStack: (stack) => {
      // fromTemporaryCredentials applies clientPlugins on every refresh; override keeps that idempotent.
      stack.addRelativeTo(fast, {
        relation: 'after',
        toMiddleware: 'httpAuthSchemeMiddleware',
        name: `${MIDDLEWARE_NAME}Fast`,
        override: true,
      });
      stack.addRelativeTo(faithful, {
        relation: 'after',
        toMiddleware: 'httpSigningMiddleware',
        name: MIDDLEWARE_NAME,
        override: true,
      });
    },
  };
}
