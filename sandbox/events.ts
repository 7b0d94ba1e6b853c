import { matchesPattern } from './event-pattern.js';
import { type EventBridgeEvent, ORGANIZATIONS_REGION, type SimState } from './state.js';

/**
 * Events as AWS emits them (docs/aws-behaviour.md#backup-events): produced on the default bus of the account and Region where they
 * happen. A member account's event reaches the central bus only when that account × Region has an enabled
 * rule matching it whose target is the central bus (with a RoleArn when the bus is in another account).
 * The management account's Organizations CloudTrail events always reach it.
 */
export interface EventInput {
  readonly source: string;
  readonly detailType: string;
  readonly resources?: string[];
  readonly detail: Record<string, unknown>;
}

export class EventRouter {
  /** Every event emitted anywhere, forwarded or not (for inspection). */
  readonly emitted: EventBridgeEvent[] = [];

  constructor(private readonly state: SimState) {}

  emit(accountId: string, region: string, event: EventInput): EventBridgeEvent {
    const built = this.build(accountId, region, event);
    if (this.isForwarded(built)) this.state.centralBus.deliver(built);
    return built;
  }

  /** Puts an event straight onto the central bus (PutEvents to it, management-account CloudTrail). */
  emitOnCentralBus(accountId: string, region: string, event: EventInput): EventBridgeEvent {
    const built = this.build(accountId, region, event);
    this.state.centralBus.deliver(built);
    return built;
  }

  private build(accountId: string, region: string, event: EventInput): EventBridgeEvent {
    const built: EventBridgeEvent = {
      version: '0',
      id: this.state.nextId('event', 32).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
      'detail-type': event.detailType,
      source: event.source,
      account: accountId,
      time: this.state.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region,
      resources: event.resources ?? [],
      detail: event.detail,
    };
    this.emitted.push(built);
    return built;
  }

  /**
   * A CloudTrail record of an API call, as EventBridge delivers it. `record` adds what some calls log beyond
   * their request: `responseElements` (null otherwise) and the `resources` they touched.
   */
  emitApiCall(
    call: { accountId: string; region: string; callerArn: string; service: string; eventName: string },
    requestParameters: Record<string, unknown>,
    alwaysDeliver = false,
    record: { responseElements?: Record<string, unknown>; resources?: Record<string, unknown>[] } = {},
  ): void {
    const detail = {
      eventVersion: '1.09',
      userIdentity: {
        type: call.callerArn.includes(':assumed-role/') ? 'AssumedRole' : 'IAMUser',
        accountId: call.accountId,
        arn: call.callerArn,
      },
      eventTime: this.state.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      eventSource: `${call.service}.amazonaws.com`,
      eventName: call.eventName,
      awsRegion: call.region,
      requestParameters,
      responseElements: record.responseElements ?? null,
      requestID: this.state.nextId('request', 32),
      eventID: this.state.nextId('cloudtrail', 32),
      readOnly: false,
      ...(record.resources ? { resources: record.resources } : {}),
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: call.accountId,
      eventCategory: 'Management',
    };
    const event = { source: `aws.${call.service}`, detailType: 'AWS API Call via CloudTrail', detail };
    if (alwaysDeliver) this.emitOnCentralBus(call.accountId, call.region, event);
    else this.emit(call.accountId, call.region, event);
  }

  /** Organizations events happen in the management account, us-east-1, and always reach the central bus. */
  emitOrganizationsCall(
    callerArn: string,
    eventName: string,
    requestParameters: Record<string, unknown>,
  ): void {
    this.emitApiCall(
      {
        accountId: this.state.organization.managementAccountId,
        region: ORGANIZATIONS_REGION,
        callerArn,
        service: 'organizations',
        eventName,
      },
      requestParameters,
      true,
    );
  }

  private isForwarded(event: EventBridgeEvent): boolean {
    const account = this.state.account(event.account);
    const rules = account?.regions.get(event.region)?.eventRules;
    if (!account || !rules) return false;
    for (const rule of rules.values()) {
      if (rule.state !== 'ENABLED' || !matchesPattern(safeJson(rule.eventPattern), event)) continue;
      for (const target of rule.targets.values()) {
        if (!this.state.centralBus.isCentral(target.Arn)) continue;
        const crossAccount = !target.Arn.includes(`:${event.account}:`);
        if (!crossAccount) return true;
        // Cross-account bus targets need a role in the sender account and no input rewriting
        // (docs/aws-behaviour.md#eventbridge-cross-account-bus).
        const roleName = target.RoleArn?.split('/').pop();
        const noRewrite = !target.Input && !target.InputPath && !target.InputTransformer;
        if (roleName && account.roles.has(roleName) && noRewrite) return true;
      }
    }
    return false;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
