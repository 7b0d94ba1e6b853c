import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AccountAlert } from './alerts.js';
import type { DailyDigest } from './digest.js';
import { AlertDeliveryError, SlackWebhookSecretError } from './errors.js';
import { type EmailMessage, formatDigestEmail, formatEmail } from './format-email.js';
import { formatDigestSlack, formatSlack, type SlackMessage } from './format-slack.js';

export interface AlertLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface AlertPublisherOptions {
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly secrets: SecretsManagerClient;
  /** Secrets Manager secret holding the Slack incoming-webhook URL (plain, or JSON `{ "webhookUrl": … }`). null: no Slack. */
  readonly slackSecretName?: string | null;
  readonly fetch?: typeof fetch;
  readonly logger?: AlertLogger;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Slack attempts per message, retries included (default 4). */
  readonly maxSlackAttempts?: number;
  /** First backoff delay for 5xx and network errors; doubles per attempt (default 1 s). */
  readonly slackBaseDelayMs?: number;
}

export interface PublishOutcome {
  readonly snsMessageIds: string[];
  readonly slackDelivered: number;
  readonly slackFailed: number;
}

const MAX_DELAY_MS = 30_000;
const REDACTED = '[slack-webhook-url]';

/** Why a Slack post stopped being retried, logged without the URL. */
type SlackAttempt =
  | { ok: true }
  | { ok: false; retryAfterMs: number | null; status: number | null; message: string };

/**
 * Delivers alerts: SNS first (the delivery of record, e-mail subscribers), then Slack. A Slack failure is
 * logged and counted, never thrown, so it cannot make a caller retry and duplicate the SNS alert. The
 * webhook URL is a credential: read from Secrets Manager, kept in memory only, never logged.
 */
export class AlertPublisher {
  private readonly options: AlertPublisherOptions;
  private readonly logger: AlertLogger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetch: typeof fetch;
  private webhookUrl: Promise<string> | null = null;

  constructor(options: AlertPublisherOptions) {
    this.options = options;
    this.logger = options.logger ?? console;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  publish(alerts: readonly AccountAlert[]): Promise<PublishOutcome> {
    return this.deliverAll(
      alerts.map((alert) => ({
        label: `account ${alert.accountId}`,
        email: formatEmail(alert),
        slack: formatSlack(alert),
      })),
    );
  }

  publishDigest(digest: DailyDigest): Promise<PublishOutcome> {
    return this.deliverAll([
      { label: `digest ${digest.day}`, email: formatDigestEmail(digest), slack: formatDigestSlack(digest) },
    ]);
  }

  private async deliverAll(
    messages: readonly { label: string; email: EmailMessage; slack: SlackMessage }[],
  ): Promise<PublishOutcome> {
    const snsMessageIds: string[] = [];
    const snsFailures: { label: string; error: unknown }[] = [];
    let slackDelivered = 0;
    let slackFailed = 0;
    for (const message of messages) {
      try {
        snsMessageIds.push(await this.publishToSns(message.email));
      } catch (error) {
        snsFailures.push({ label: message.label, error });
        this.logger.error('SNS alert not published', { message: message.label, error: describe(error) });
      }
      if (!this.options.slackSecretName) continue;
      if (await this.postToSlack(message.label, message.slack)) slackDelivered += 1;
      else slackFailed += 1;
    }
    if (snsFailures.length > 0) {
      throw new AlertDeliveryError(
        `SNS rejected ${snsFailures.length} of ${messages.length} alerts: ${snsFailures.map((f) => f.label).join(', ')}`,
        { cause: snsFailures[0]?.error },
      );
    }
    return { snsMessageIds, slackDelivered, slackFailed };
  }

  private async publishToSns(email: EmailMessage): Promise<string> {
    const output = await this.options.sns.send(
      new PublishCommand({
        TopicArn: this.options.topicArn,
        Subject: email.subject,
        Message: email.body,
        MessageAttributes: { ...email.attributes },
      }),
    );
    return output.MessageId ?? '';
  }

  private async postToSlack(label: string, message: SlackMessage): Promise<boolean> {
    let url: string;
    try {
      url = await this.slackWebhookUrl();
    } catch (error) {
      this.logger.error('Slack alert not posted: webhook URL unavailable', {
        message: label,
        error: describe(error),
      });
      return false;
    }
    const maxAttempts = this.options.maxSlackAttempts ?? 4;
    const baseDelay = this.options.slackBaseDelayMs ?? 1_000;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attemptSlackPost(url, message);
      if (outcome.ok) {
        this.logger.info('Slack alert posted', { message: label, attempts: attempt });
        return true;
      }
      const detail = { message: label, attempt, status: outcome.status, error: redact(outcome.message, url) };
      if (outcome.retryAfterMs === null || attempt >= maxAttempts) {
        this.logger.error('Slack alert not posted', detail);
        return false;
      }
      const delay = Math.min(outcome.retryAfterMs || baseDelay * 2 ** (attempt - 1), MAX_DELAY_MS);
      this.logger.warn('Slack post failed; retrying', { ...detail, delayMs: delay });
      await this.sleep(delay);
    }
  }

  /** retryAfterMs: null = do not retry; 0 = retry after the exponential backoff; > 0 = Slack's Retry-After. */
  private async attemptSlackPost(url: string, message: SlackMessage): Promise<SlackAttempt> {
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
      });
    } catch (error) {
      return { ok: false, retryAfterMs: 0, status: null, message: describe(error) };
    }
    const body = (await response.text().catch(() => '')).slice(0, 200);
    if (response.ok) return { ok: true };
    const failure = {
      ok: false as const,
      status: response.status,
      message: `HTTP ${response.status} ${body}`.trim(),
    };
    if (response.status === 429)
      return { ...failure, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
    if (response.status >= 500) return { ...failure, retryAfterMs: 0 };
    // 403/404/410: the webhook was revoked or the secret rotated; read the secret again next time.
    if ([403, 404, 410].includes(response.status)) this.webhookUrl = null;
    return { ...failure, retryAfterMs: null };
  }

  private slackWebhookUrl(): Promise<string> {
    if (!this.webhookUrl) {
      this.webhookUrl = this.readWebhookSecret();
      this.webhookUrl.catch(() => {
        this.webhookUrl = null;
      });
    }
    return this.webhookUrl;
  }

  private async readWebhookSecret(): Promise<string> {
    const secretId = this.options.slackSecretName!;
    const { SecretString } = await this.options.secrets.send(
      new GetSecretValueCommand({ SecretId: secretId }),
    );
    const raw = SecretString?.trim() ?? '';
    let candidate = raw;
    if (raw.startsWith('{')) {
      try {
        const parsed = JSON.parse(raw) as { webhookUrl?: unknown; url?: unknown };
        candidate = String(parsed.webhookUrl ?? parsed.url ?? '');
      } catch (error) {
        throw new SlackWebhookSecretError(`Secret ${secretId} is neither a URL nor valid JSON.`, {
          cause: error,
        });
      }
    }
    if (!URL.canParse(candidate) || !/^https?:$/.test(new URL(candidate).protocol)) {
      throw new SlackWebhookSecretError(`Secret ${secretId} does not hold an http(s) webhook URL.`);
    }
    return candidate;
  }
}

/** Retry-After is in seconds (Slack sends an integer); an absent or unreadable one falls back to backoff. */
function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  return header !== null && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}

/** Removes the URL and its path (where Slack puts the token) from text that may be logged. */
function redact(text: string, url: string): string {
  const { pathname } = new URL(url);
  let redacted = text.split(url).join(REDACTED);
  if (pathname.length > 1) redacted = redacted.split(pathname).join(REDACTED);
  return redacted;
}
