import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import { lazyImport } from '../lazy-import.js';
import type { Severity } from './alerts.js';
import { SlackWebhookSecretError } from './errors.js';
import type { EmailMessage } from './format-email.js';
import type { SlackMessage } from './format-slack.js';

const alertCommands = lazyImport(() => import('./alert-commands.js'));

export interface AlertLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** One message to one channel; what the outbox keeps when it could not be delivered. */
export interface OutgoingMessage {
  /** Stable per run, account and channel, so a retried message is recognised. */
  readonly id: string;
  readonly createdAt: string;
  /** null: an organization-wide message (storm summary, daily digest). */
  readonly accountId: string | null;
  readonly severity: Severity;
  readonly payload:
    | { readonly channel: 'sns'; readonly topicArn: string; readonly email: EmailMessage }
    | { readonly channel: 'slack'; readonly secretName: string; readonly slack: SlackMessage };
}

export interface DeliveryOutcome {
  readonly delivered: readonly OutgoingMessage[];
  readonly undelivered: readonly OutgoingMessage[];
}

export interface DeliveryOptions {
  /**
   * The alert topic's and the Slack secret's clients, asked for when a message is first delivered: a
   * function that delivers nothing does not load their SDK packages.
   */
  readonly clients: () => Promise<{ readonly sns: SNSClient; readonly secrets: SecretsManagerClient }>;
  readonly fetch?: typeof fetch;
  readonly logger?: AlertLogger;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds on a monotonic clock; the time budgets are measured with it. */
  readonly now?: () => number;
  /**
   * Time for one delivery round, inside the function timeout: SNS messages are sent first, Slack posts get
   * what is left; whatever does not fit is handed back as undelivered (default 40 s).
   */
  readonly budgetMs?: number;
  /** Longest wait for one Slack request (default 5 s). */
  readonly slackTimeoutMs?: number;
  /** Slack attempts per message, retries included (default 3). */
  readonly maxSlackAttempts?: number;
  /** First backoff delay for 5xx and network errors; doubles per attempt (default 1 s). */
  readonly slackBaseDelayMs?: number;
}

const REDACTED = '[slack-webhook-url]';

/** Why a Slack post stopped being retried, logged without the URL. */
type SlackAttempt =
  | { ok: true }
  | { ok: false; retryAfterMs: number | null; status: number | null; message: string };

/**
 * Delivers messages within a time budget: every SNS message first (e-mail is the delivery of record), then
 * Slack, so a rate-limited or slow webhook cannot starve the e-mails of later accounts. Nothing throws for
 * a failed delivery: it is handed back as undelivered for the outbox. The webhook URL is a credential:
 * read from Secrets Manager, kept in memory only, never logged.
 */
export class AlertDelivery {
  private readonly logger: AlertLogger;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly webhookUrls = new Map<string, Promise<string>>();

  constructor(private readonly options: DeliveryOptions) {
    this.logger = options.logger ?? console;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? (() => performance.now());
  }

  async deliver(messages: readonly OutgoingMessage[]): Promise<DeliveryOutcome> {
    const deadline = this.now() + (this.options.budgetMs ?? 40_000);
    const delivered: OutgoingMessage[] = [];
    const undelivered: OutgoingMessage[] = [];
    const ordered = [
      ...messages.filter((m) => m.payload.channel === 'sns'),
      ...messages.filter((m) => m.payload.channel === 'slack'),
    ];
    for (const message of ordered) {
      const ok = this.now() < deadline && (await this.send(message, deadline));
      (ok ? delivered : undelivered).push(message);
    }
    if (undelivered.length > 0) {
      this.logger.warn('Alerts not delivered in this run; kept for the next', {
        undelivered: undelivered.map((m) => m.id),
      });
    }
    return { delivered, undelivered };
  }

  private send(message: OutgoingMessage, deadline: number): Promise<boolean> {
    const { payload } = message;
    if (payload.channel === 'sns') return this.publishToSns(message.id, payload.topicArn, payload.email);
    return this.postToSlack(message.id, payload.secretName, payload.slack, deadline);
  }

  private async publishToSns(id: string, topicArn: string, email: EmailMessage): Promise<boolean> {
    try {
      const { PublishCommand } = await alertCommands();
      await (await this.options.clients()).sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: email.subject,
          Message: email.body,
          MessageAttributes: { ...email.attributes },
        }),
      );
      return true;
    } catch (error) {
      this.logger.error('SNS alert not published', { message: id, error: describe(error) });
      return false;
    }
  }

  private async postToSlack(id: string, secretName: string, message: SlackMessage, deadline: number) {
    let url: string;
    try {
      url = await this.webhookUrl(secretName);
    } catch (error) {
      this.logger.error('Slack alert not posted: webhook URL unavailable', {
        message: id,
        error: describe(error),
      });
      return false;
    }
    const maxAttempts = this.options.maxSlackAttempts ?? 3;
    const baseDelay = this.options.slackBaseDelayMs ?? 1_000;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attemptSlackPost(url, message, deadline);
      if (outcome.ok) {
        this.logger.info('Slack alert posted', { message: id, attempts: attempt });
        return true;
      }
      const detail = { message: id, attempt, status: outcome.status, error: redact(outcome.message, url) };
      const delay =
        outcome.retryAfterMs === null ? 0 : outcome.retryAfterMs || baseDelay * 2 ** (attempt - 1);
      if (outcome.retryAfterMs === null || attempt >= maxAttempts || this.now() + delay >= deadline) {
        if ([403, 404, 410].includes(outcome.status ?? 0)) {
          // The webhook was revoked or the secret rotated: read the secret again next time.
          this.webhookUrls.delete(secretName);
        }
        this.logger.error('Slack alert not posted', detail);
        return false;
      }
      this.logger.warn('Slack post failed; retrying', { ...detail, delayMs: delay });
      await this.sleep(delay);
    }
  }

  /** retryAfterMs: null = do not retry; 0 = retry after the exponential backoff; > 0 = Slack's Retry-After. */
  private async attemptSlackPost(
    url: string,
    message: SlackMessage,
    deadline: number,
  ): Promise<SlackAttempt> {
    const timeoutMs = Math.max(1, Math.min(this.options.slackTimeoutMs ?? 5_000, deadline - this.now()));
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(timeoutMs),
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
    return { ...failure, retryAfterMs: null };
  }

  private webhookUrl(secretName: string): Promise<string> {
    let url = this.webhookUrls.get(secretName);
    if (!url) {
      url = this.readWebhookSecret(secretName);
      this.webhookUrls.set(secretName, url);
      url.catch(() => this.webhookUrls.delete(secretName));
    }
    return url;
  }

  private async readWebhookSecret(secretName: string): Promise<string> {
    const { GetSecretValueCommand } = await alertCommands();
    const { SecretString } = await (await this.options.clients()).secrets.send(
      new GetSecretValueCommand({ SecretId: secretName }),
    );
    return webhookUrlFromSecret(secretName, SecretString);
  }
}

/**
 * The webhook URL from the secret's text (plain, or JSON `{ "webhookUrl": … }`). Only https is accepted:
 * the URL is a credential. Errors never carry the secret's text, not even a parser's excerpt of it.
 */
export function webhookUrlFromSecret(secretName: string, secretString: string | undefined): string {
  const raw = secretString?.trim() ?? '';
  let candidate = raw;
  if (raw.startsWith('{')) {
    let parsed: { webhookUrl?: unknown; url?: unknown };
    try {
      parsed = JSON.parse(raw) as typeof parsed;
    } catch {
      throw new SlackWebhookSecretError(
        `Secret ${secretName} is neither a URL nor valid JSON; store the webhook URL, or {"webhookUrl": "https://…"}.`,
      );
    }
    candidate =
      typeof (parsed.webhookUrl ?? parsed.url) === 'string' ? String(parsed.webhookUrl ?? parsed.url) : '';
  }
  if (!URL.canParse(candidate) || new URL(candidate).protocol !== 'https:') {
    throw new SlackWebhookSecretError(
      `Secret ${secretName} does not hold an https:// webhook URL; store the URL Slack gave for the incoming webhook.`,
    );
  }
  return candidate;
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
