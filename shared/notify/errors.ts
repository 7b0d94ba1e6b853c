import { ControllerError } from '../domain/errors.js';

/** The Slack webhook secret is missing, empty, or not a URL. */
export class SlackWebhookSecretError extends ControllerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SLACK_WEBHOOK_SECRET_INVALID', message, options);
  }
}

/** DynamoDB did not take the outbox or flap-record writes after retries. */
export class AlertMemoryWriteError extends ControllerError {
  constructor(message: string) {
    super('ALERT_MEMORY_WRITE_FAILED', message);
  }
}
