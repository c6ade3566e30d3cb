import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent, ScheduledEvent } from 'aws-lambda';
import { ACCOUNT_ID, REGION } from '../cloud/account';

/** EventBridge writes an event's time to the second, without milliseconds. */
export const eventBridgeTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** An EventBridge envelope as a rule delivers it to Lambda. */
export function busEnvelope<Detail, DetailType extends string = string>(
  detailType: DetailType,
  detail: Detail,
  source: string,
  time: Date = new Date(),
  resources: string[] = [],
): EventBridgeEvent<DetailType, Detail> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source,
    account: ACCOUNT_ID,
    time: eventBridgeTime(time),
    region: REGION,
    resources,
    detail,
  };
}

/**
 * A scheduled rule's event for the tick `time` (now when absent), as the rule delivers it to
 * Lambda: the local scheduler sends these, and tests hand them to a scheduled handler.
 */
export function scheduledEvent(ruleName: string, time: Date = new Date()): ScheduledEvent {
  const ruleArn = `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${ruleName}`;
  return busEnvelope('Scheduled Event', {}, 'aws.events', time, [ruleArn]);
}
