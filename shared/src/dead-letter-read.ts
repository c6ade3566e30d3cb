import * as z from '@charter/events/zod';

/**
 * One message of a dead-letter queue, read whichever of the two shapes AWS puts there, for `npm run dlq` (list and
 * redrive) and the ops console and watch:
 *
 * - `lambda-destination`: the record Lambda's onFailure destination writes once an asynchronous invocation's retries
 *   are spent (`RetriesExhausted`), or the same record written by `deadLetter` for a permanent failure: the event is
 *   its `requestPayload`, the function its `requestContext.functionArn`.
 * - `eventbridge-target`: what EventBridge puts in a rule target's dead-letter queue once it could not hand an event
 *   to the target (throttled past the target's retry policy, no permission, the function gone): the **event itself**
 *   as the body, and what went wrong in the message attributes `RULE_ARN`, `TARGET_ARN`, `ERROR_CODE`,
 *   `ERROR_MESSAGE`, `EXHAUSTED_RETRY_CONDITION`, `RETRY_ATTEMPTS`
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html). The reader must ask for them
 *   (`MessageAttributeNames: ['All']`): SQS sends none unless asked.
 *
 * Anything else is `unreadable`, with the reason: listed and left in its queue, never the failure of a whole listing.
 */
export type DeadLetterShape = 'lambda-destination' | 'eventbridge-target';

export type ReadDeadLetter =
  | {
      kind: DeadLetterShape;
      /** The function the event was for: the name at the end of its ARN (a version or alias left out). */
      functionName: string;
      /** When it was dead-lettered (the record's timestamp, else when SQS received the message). */
      failedAt: string;
      /** `RetriesExhausted`, `PermanentFailure`, or EventBridge's `EXHAUSTED_RETRY_CONDITION` (else `Undelivered`). */
      condition: string;
      /** The error's type, or EventBridge's `ERROR_CODE` (`THROTTLING`, `SDK_CLIENT_ERROR`...). */
      errorType: string;
      errorMessage: string;
      /** What to invoke the function with again: the event it was invoked with, or the event EventBridge held. */
      payload: unknown;
      /** EventBridge's rule, for a letter of that shape. */
      ruleArn?: string;
    }
  | { kind: 'unreadable'; failedAt: string; reason: string };

const LambdaRecord = z.object({
  timestamp: z.string(),
  requestContext: z.object({ functionArn: z.string(), condition: z.string() }),
  requestPayload: z.unknown(),
  responsePayload: z.nullish(z.object({ errorType: z.optional(z.string()), errorMessage: z.optional(z.string()) })),
});

/**
 * The parts of an SQS message a dead letter is read from (an SQS `Message` is one), so the domain code that lists
 * letters needs no SDK.
 */
export interface DeadLetterMessage {
  Body?: string;
  /** SQS's system attributes: `SentTimestamp` (ms since the epoch). */
  Attributes?: Partial<Record<string, string>>;
  MessageAttributes?: Record<string, { StringValue?: string }>;
}

/** An EventBridge event as EventBridge delivers it (the fields a redrive and a listing rely on). */
const HeldEvent = z.looseObject({
  id: z.string(),
  source: z.string(),
  'detail-type': z.string(),
  detail: z.unknown(),
});

/** `arn:aws:lambda:us-west-2:123456789012:function:name[:alias]` -> `name`; anything else as it is. */
export const functionNameOf = (arn: string) => (arn.startsWith('arn:') ? (arn.split(':')[6] ?? arn) : arn);

const attribute = (message: DeadLetterMessage, name: string) => message.MessageAttributes?.[name]?.StringValue;

function sentAtOf(message: DeadLetterMessage): string {
  const sent = Number(message.Attributes?.SentTimestamp);
  return new Date(Number.isFinite(sent) ? sent : 0).toISOString();
}

export function readDeadLetter(message: DeadLetterMessage): ReadDeadLetter {
  const failedAt = sentAtOf(message);
  let body: unknown;
  try {
    body = JSON.parse(message.Body ?? '');
  } catch {
    return { kind: 'unreadable', failedAt, reason: 'the message body is not JSON' };
  }
  const record = LambdaRecord.safeParse(body);
  if (record.success) {
    const { data } = record;
    return {
      kind: 'lambda-destination',
      functionName: functionNameOf(data.requestContext.functionArn),
      failedAt: Number.isNaN(Date.parse(data.timestamp)) ? failedAt : new Date(data.timestamp).toISOString(),
      condition: data.requestContext.condition,
      errorType: data.responsePayload?.errorType ?? 'Error',
      errorMessage: data.responsePayload?.errorMessage ?? data.requestContext.condition,
      payload: data.requestPayload,
    };
  }
  const targetArn = attribute(message, 'TARGET_ARN');
  if (targetArn && HeldEvent.safeParse(body).success) {
    const ruleArn = attribute(message, 'RULE_ARN');
    return {
      kind: 'eventbridge-target',
      functionName: functionNameOf(targetArn),
      failedAt,
      condition: attribute(message, 'EXHAUSTED_RETRY_CONDITION') ?? 'Undelivered',
      errorType: attribute(message, 'ERROR_CODE') ?? 'Undelivered',
      errorMessage: attribute(message, 'ERROR_MESSAGE') ?? 'EventBridge could not deliver the event to its target',
      payload: body,
      ...(ruleArn ? { ruleArn } : {}),
    };
  }
  return {
    kind: 'unreadable',
    failedAt,
    reason: targetArn
      ? 'EventBridge named a target, but the body is not an EventBridge event'
      : 'neither a Lambda failure record nor an event EventBridge dead-lettered (no TARGET_ARN attribute)',
  };
}
