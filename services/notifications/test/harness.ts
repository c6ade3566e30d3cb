import { randomUUID } from 'node:crypto';
import type { Context, EventBridgeEvent, ScheduledEvent } from 'aws-lambda';
import { eventCatalog, type DetailType } from '@charter/events';

/** An EventBridge envelope as Lambda receives it from a rule. */
export function busEvent(detailType: DetailType, detail: unknown): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source: eventCatalog[detailType].source,
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'us-west-2',
    resources: [],
    detail,
  };
}

/** A scheduled-rule event for the given tick. */
export const scheduledEvent = (time: Date): ScheduledEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: time.toISOString(),
  region: 'us-west-2',
  resources: ['arn:aws:events:us-west-2:000000000000:rule/charter-notifications-local-checkStalls-schedule-1'],
  detail: {},
});

export function lambdaContext(functionName = 'charter-notifications-local-onSuccessEvent'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-west-2:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A message as aws-ses-v2-local keeps it (GET /store). */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

export async function mailbox(sesEndpoint: string): Promise<StoredEmail[]> {
  const response = await fetch(`${sesEndpoint}/store`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}
