/**
 * Named errors: every error the controller raises on purpose has a stable `code` and keeps its `cause`.
 * Layers add their own subclasses (e.g. ConfigValidationError, AwsCallError) next to the code that throws.
 */
export class ControllerError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
