import type {
  AwsCredentialIdentity,
  FinalizeHandlerArguments,
  FinalizeHandlerOutput,
  FinalizeRequestMiddleware,
  HandlerExecutionContext,
  Pluggable,
  RelativeMiddlewareOptions,
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

// biome-ignore lint/suspicious/noExplicitAny: one plugin is applied to clients of every service.
export function createSandboxPlugin(dispatch: SandboxDispatcher): Pluggable<any, any> {
  let requests = 0;
  const middleware: FinalizeRequestMiddleware<object, object> =
    (next, context: HandlerExecutionContext) =>
    async (args: FinalizeHandlerArguments<object>): Promise<FinalizeHandlerOutput<object>> => {
      const smithy = (context as { __smithy_context?: SmithyContext }).__smithy_context ?? {};
      const scheme = smithy.selectedHttpAuthScheme;
      const output = await dispatch({
        clientName: context.clientName ?? '',
        operation: smithy.operation ?? (context.commandName ?? '').replace(/Command$/, ''),
        input: smithy.commandInstance?.input ?? {},
        accessKeyId: scheme?.identity?.accessKeyId ?? '',
        region: scheme?.httpAuthOption?.signingProperties?.region ?? '',
      });
      if (output === undefined) return next(args);
      requests++;
      const $metadata = { httpStatusCode: 200, requestId: `sandbox-${requests}` };
      return { response: { statusCode: 200, headers: {} }, output: { ...output, $metadata } };
    };
  const options: RelativeMiddlewareOptions = {
    relation: 'before',
    toMiddleware: 'httpSigningMiddleware',
    name: MIDDLEWARE_NAME,
    // fromTemporaryCredentials applies clientPlugins on every refresh; override keeps that idempotent.
    override: true,
  };
  return { applyToStack: (stack) => stack.addRelativeTo(middleware, options) };
}
