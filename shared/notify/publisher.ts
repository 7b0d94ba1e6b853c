import type { AccountAncestry, ActionRecord, FindingTransition } from '../domain/model.js';
import type { AlertMemory } from './alert-memory.js';
import { type AccountAlert, buildAlerts, changesClass, type Severity } from './alerts.js';
import { AlertDelivery, type DeliveryOptions, type OutgoingMessage } from './delivery.js';
import type { DailyDigest } from './digest.js';
import { dampFlaps, type FlapSettings } from './flaps.js';
import { type EmailMessage, formatDigestEmail, formatEmail, formatStormEmail } from './format-email.js';
import { formatDigestSlack, formatSlack, formatStormSlack, type SlackMessage } from './format-slack.js';
import { type AlertChannels, type AlertRoute, routeAccount, routesNeedAncestry } from './routing.js';
import { summariseStorm } from './storm.js';

export interface AlertSettings {
  readonly stormAccounts: number;
  readonly flap: FlapSettings;
  readonly routes: readonly AlertRoute[];
}

export interface AlertPublisherOptions extends DeliveryOptions {
  /** The global alert topic. */
  readonly topicArn: string;
  /** Secrets Manager secret holding the global Slack incoming-webhook URL. null: no Slack. */
  readonly slackSecretName?: string | null;
  readonly settings?: AlertSettings;
  /** The outbox and flap records; without it nothing is retried and nothing is damped. */
  readonly memory?: AlertMemory | null;
  /** Reads an account's OUs; needed only when a route names OUs. */
  readonly ancestry?: { ancestry(accountId: string): Promise<AccountAncestry> } | null;
  /** The report API URL that alerts' dashboard commands name; null when not known. */
  readonly reportEndpoint?: string | null;
}

export interface PublishOutcome {
  /** Accounts that had something to tell (one message each, or one summary for all in a storm). */
  readonly accounts: readonly string[];
  readonly storm: boolean;
  readonly delivered: number;
  readonly undelivered: number;
  /** Class changes of flapping resources left to the daily digest. */
  readonly flapsSuppressed: number;
  /** Age of the oldest message still waiting in the outbox; null when it is empty. */
  readonly oldestUndeliveredMs: number | null;
}

const DEFAULT_SETTINGS: AlertSettings = {
  stormAccounts: 25,
  flap: { maxChanges: 2, windowHours: 24 },
  routes: [],
};

/**
 * Turns a run's changes into messages and delivers them: one alert per status-class change, flapping
 * resources alerted once, one organization-wide summary instead of a message per account in a storm,
 * routes by OU or account, and an outbox for what could not be delivered in time (retried next run).
 */
export class AlertPublisher {
  private readonly delivery: AlertDelivery;
  private readonly settings: AlertSettings;
  private readonly globals: AlertChannels;

  constructor(private readonly options: AlertPublisherOptions) {
    this.delivery = new AlertDelivery(options);
    this.settings = options.settings ?? DEFAULT_SETTINGS;
    this.globals = { topicArn: options.topicArn, slackSecretName: options.slackSecretName ?? null };
  }

  get flapSettings(): FlapSettings {
    return this.settings.flap;
  }

  async publishRun(input: {
    readonly runId: string;
    readonly transitions: readonly FindingTransition[];
    readonly actions: readonly ActionRecord[];
    readonly now: Date;
  }): Promise<PublishOutcome> {
    const { runId, actions, now } = input;
    const undamped = buildAlerts({ runId, transitions: input.transitions, actions, now });
    const storm = summariseStorm(undamped, this.settings.stormAccounts);
    if (storm) {
      const channels = this.globals;
      const messages = this.messagesFor(`${runId}#organization`, now, null, storm.severity, channels, {
        email: formatStormEmail(storm),
        slack: formatStormSlack(storm),
      });
      const outcome = await this.deliver(messages, now);
      return { accounts: undamped.map((a) => a.accountId), storm: true, flapsSuppressed: 0, ...outcome };
    }
    const { alerts, suppressed } = await this.damp(input);
    const messages: OutgoingMessage[] = [];
    for (const alert of alerts) {
      const channels = await this.channelsFor(alert.accountId);
      messages.push(
        ...this.messagesFor(`${runId}#${alert.accountId}`, now, alert.accountId, alert.severity, channels, {
          email: formatEmail(alert, this.options.reportEndpoint ?? null),
          slack: formatSlack(alert, this.options.reportEndpoint ?? null),
        }),
      );
    }
    const outcome = await this.deliver(messages, now);
    return {
      accounts: alerts.map((a) => a.accountId),
      storm: false,
      flapsSuppressed: suppressed,
      ...outcome,
    };
  }

  async publishDigest(
    digest: DailyDigest,
    now: Date,
  ): Promise<Omit<PublishOutcome, 'accounts' | 'storm' | 'flapsSuppressed'>> {
    const messages = this.messagesFor(`digest-${digest.day}#organization`, now, null, 'info', this.globals, {
      email: formatDigestEmail(digest),
      slack: formatDigestSlack(digest),
    });
    return this.deliver(messages, now);
  }

  /** Flap damping with the records of the accounts whose resources changed class. */
  private async damp(input: {
    readonly runId: string;
    readonly transitions: readonly FindingTransition[];
    readonly actions: readonly ActionRecord[];
    readonly now: Date;
  }): Promise<{ alerts: AccountAlert[]; suppressed: number }> {
    const memory = this.options.memory;
    const flap = this.settings.flap;
    const changed = [...new Set(input.transitions.filter(changesClass).map((t) => t.accountId))];
    const records = memory && changed.length > 0 ? await memory.flapRecords(changed) : new Map();
    const damped = dampFlaps(input.transitions, records, flap);
    if (memory) await memory.saveFlapRecords(damped.records, flap.windowHours);
    const alerts = buildAlerts({
      runId: input.runId,
      transitions: damped.alert,
      actions: input.actions,
      now: input.now,
      flapping: damped.flapping,
      flapWindowHours: flap.windowHours,
    });
    return { alerts, suppressed: damped.suppressed };
  }

  private async channelsFor(accountId: string): Promise<AlertChannels> {
    const { routes } = this.settings;
    if (routes.length === 0) return this.globals;
    let ancestry: AccountAncestry | null = null;
    if (routesNeedAncestry(routes) && this.options.ancestry) {
      try {
        ancestry = await this.options.ancestry.ancestry(accountId);
      } catch (error) {
        // Routing must not lose the alert: without the OUs, account routes and the global channels apply.
        this.options.logger?.warn('Could not read the account OUs for alert routing', {
          accountId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return routeAccount(accountId, ancestry, routes, this.globals);
  }

  private messagesFor(
    key: string,
    now: Date,
    accountId: string | null,
    severity: Severity,
    channels: AlertChannels,
    content: { readonly email: EmailMessage; readonly slack: SlackMessage },
  ): OutgoingMessage[] {
    const createdAt = now.toISOString();
    const messages: OutgoingMessage[] = [];
    if (channels.topicArn) {
      messages.push({
        id: `${key}#sns`,
        createdAt,
        accountId,
        severity,
        payload: { channel: 'sns', topicArn: channels.topicArn, email: content.email },
      });
    }
    if (channels.slackSecretName) {
      messages.push({
        id: `${key}#slack`,
        createdAt,
        accountId,
        severity,
        payload: { channel: 'slack', secretName: channels.slackSecretName, slack: content.slack },
      });
    }
    return messages;
  }

  /**
   * Delivers the outbox's earlier messages with the new ones. New messages enter the outbox before the
   * first attempt and leave it once delivered, so a function stopped mid-delivery (its timeout) loses
   * nothing: the next run sends what is left (at least once, never zero times).
   */
  private async deliver(fresh: readonly OutgoingMessage[], now: Date) {
    const memory = this.options.memory;
    const waiting = memory ? await memory.pendingMessages(now) : [];
    const waitingIds = new Set(waiting.map((m) => m.id));
    const added = fresh.filter((m) => !waitingIds.has(m.id));
    if (memory) await memory.keep(added);
    const outcome = await this.delivery.deliver([...waiting, ...added]);
    if (memory) await memory.forget(outcome.delivered);
    const oldest = outcome.undelivered.reduce<number | null>(
      (min, m) => Math.min(min ?? Number.POSITIVE_INFINITY, Date.parse(m.createdAt)),
      null,
    );
    return {
      delivered: outcome.delivered.length,
      undelivered: outcome.undelivered.length,
      oldestUndeliveredMs: oldest === null ? null : now.getTime() - oldest,
    };
  }
}
