import { ControllerError } from '../domain/errors.js';

/** SNS did not accept one or more alerts (Slack failures never raise: SNS is the delivery of record). */
export class AlertDeliveryError extends ControllerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ALERT_DELIVERY_FAILED', message, options);
  }
}

/** The Slack webhook secret is missing, empty, or not a URL. */
export class SlackWebhookSecretError extends ControllerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SLACK_WEBHOOK_SECRET_INVALID', message, options);
  }
}
