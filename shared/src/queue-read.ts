import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/**
 * Reading a queue that nothing consumes (a dead-letter queue) without missing messages, for the ops console and watch
 * and `npm run dlq`. SQS hands out at most ten messages a call, and a short poll asks only some of SQS's servers: on a
 * queue of few messages it can answer empty while the queue holds some, so "receive until an empty answer" can stop
 * at once (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html).
 * Here every receive long-polls (it asks every server) and the read stops once it has as many as the queue's count
 * says, at an empty answer, or at `max`.
 */
export interface QueueReadOptions {
  /** At most this many messages (a caller that lists them caps what one response holds). */
  max: number;
  /** How long each message is hidden from other readers while this read runs (it makes them visible again after). */
  hideSeconds: number;
  /** Long-polling wait of each receive in seconds (up to 20; default 1): it answers once a message is there. */
  waitSeconds?: number;
  /**
   * Keep receiving until an empty long-poll answer, whatever the count says: ApproximateNumberOfMessages can lag a
   * send by a minute, and an operator who asks once (npm run dlq) must not hear "none" then. A reader that comes back
   * every minute trusts the count, and an empty queue costs it one call.
   */
  untilEmpty?: boolean;
}

export interface QueueRead {
  /** Each message once (the newest receipt handle of each), as SQS handed them out. */
  messages: Message[];
  /** ApproximateNumberOfMessages when the read began: what the queue holds for a reader. */
  visible: number;
  /** ApproximateNumberOfMessagesNotVisible: held by another reader (or by this one's last read) at that moment. */
  inFlight: number;
  calls: number;
}

export async function readQueue(sqs: SQSClient, queueUrl: string, options: QueueReadOptions): Promise<QueueRead> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const visible = Number(Attributes.ApproximateNumberOfMessages ?? 0);
  const inFlight = Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  const target = options.untilEmpty ? options.max : Math.min(options.max, visible);
  const byId = new Map<string, Message>();
  let calls = 1;
  // Bounded however SQS answers: a long poll may hand out fewer than ten even when more are there.
  const maxReceives = Math.ceil(options.max / 10) + 3;
  for (let receives = 0; byId.size < target && receives < maxReceives; receives++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, target - byId.size),
        VisibilityTimeout: options.hideSeconds,
        WaitTimeSeconds: options.waitSeconds ?? 1,
        MessageSystemAttributeNames: ['SentTimestamp'],
        // EventBridge says why it dead-lettered an event in message attributes (ERROR_CODE, TARGET_ARN...), which
        // SQS hands out only when asked for.
        MessageAttributeNames: ['All'],
      }),
    );
    calls++;
    // A long poll asked every server: nothing visible is left (the count was approximate).
    if (Messages.length === 0) break;
    for (const message of Messages) byId.set(message.MessageId ?? message.ReceiptHandle ?? '', message);
  }
  return { messages: [...byId.values()], visible, inFlight, calls };
}

/**
 * Makes received messages visible again at once, ten a call. A receipt that no longer holds (the message was deleted,
 * or received again elsewhere) fails alone; the message becomes visible when its hiding runs out anyway.
 */
export async function releaseMessages(
  sqs: SQSClient,
  queueUrl: string,
  receiptHandles: readonly string[],
): Promise<{ calls: number; failed: number }> {
  let calls = 0;
  let failed = 0;
  for (let i = 0; i < receiptHandles.length; i += 10) {
    const chunk = receiptHandles.slice(i, i + 10);
    const result = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((handle, j) => ({ Id: `m${i + j}`, ReceiptHandle: handle, VisibilityTimeout: 0 })),
      }),
    );
    calls++;
    failed += result.Failed?.length ?? 0;
  }
  return { calls, failed };
}
