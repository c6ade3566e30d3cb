/**
 * `@charter/local/dlq`: the dead letters of every service's queue (Lambda's onFailure records and the events
 * EventBridge could not deliver to a rule's target), read and replayed
 * with the real SDK (SQS and Lambda's Invoke API), as `npm run dlq` and the tests do.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ListQueuesCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { readDeadLetter, type DeadLetterShape } from '@charter/shared/dead-letter-read';
import { readQueue, releaseMessages } from '@charter/shared/queue-read';

export interface DeadLetter {
  queueUrl: string;
  receiptHandle: string;
  /** Which record it is (`@charter/shared/dead-letter-read`); an `unreadable` one is listed, never redriven. */
  shape: DeadLetterShape | 'unreadable';
  /** The function to replay it to; empty for an unreadable letter. */
  functionName: string;
  bookingId?: string;
  errorType: string;
  errorMessage: string;
  condition: string;
  failedAt: string;
  payload: unknown;
}

/** One message of a dead-letter queue as `npm run dlq` lists it, whichever shape AWS wrote (see readDeadLetter). */
export function parseDeadLetter(queueUrl: string, message: Message): DeadLetter {
  const receiptHandle = message.ReceiptHandle ?? '';
  const letter = readDeadLetter(message);
  if (letter.kind === 'unreadable') {
    return {
      queueUrl,
      receiptHandle,
      shape: 'unreadable',
      functionName: '',
      errorType: 'Unreadable',
      errorMessage: `message ${message.MessageId ?? '?'}: ${letter.reason}`,
      condition: 'unknown',
      failedAt: letter.failedAt,
      payload: message.Body,
    };
  }
  const detail = (letter.payload as { detail?: { booking_id?: unknown } } | null)?.detail;
  return {
    queueUrl,
    receiptHandle,
    shape: letter.kind,
    functionName: letter.functionName,
    ...(typeof detail?.booking_id === 'string' ? { bookingId: detail.booking_id } : {}),
    errorType: letter.errorType,
    errorMessage: letter.errorMessage,
    condition: letter.condition,
    failedAt: letter.failedAt,
    payload: letter.payload,
  };
}

/**
 * The dead-letter queues of one deployed stage, found by the naming convention every service's stack follows
 * (`charter-<service>-dlq-<stage>`, held to the stacks by the packaging test): ListQueues with the prefix `charter-`,
 * page by page, then the names that end in `-dlq-<stage>`. The same calls in AWS and against the local cloud.
 */
export async function stageQueueUrls(sqs: SQSClient, stage: string): Promise<string[]> {
  const pattern = new RegExp(`^charter-[a-z0-9-]+-dlq-${stage.replace(/[^A-Za-z0-9-]/g, '')}$`);
  const urls: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'charter-', MaxResults: 1000, NextToken }));
    urls.push(...(page.QueueUrls ?? []).filter((url) => pattern.test(url.split('/').pop() ?? '')));
    NextToken = page.NextToken;
  } while (NextToken);
  return urls.sort();
}

/** The most one listing reads of a queue: more than a stage's dead letters ever were (each queue says its total). */
const MAX_PER_QUEUE = 1000;

/**
 * Every dead letter of the given queues (by default every `*dlq*` queue), the queues read side by side. Each queue is
 * read with long polling until an empty answer (`readQueue`: a short poll asks only some of SQS's servers and can
 * answer empty while letters remain, so in AWS "receive until empty" could say "no dead letters" or redrive only some).
 * Letters stay hidden while they are read; `peek` makes them visible again at once (ten a call), so listing changes
 * nothing. To redrive, they stay hidden five minutes, for every one to be replayed and deleted.
 */
export async function readDeadLetters(
  sqs: SQSClient,
  options: { peek: boolean; queueUrls?: string[] },
): Promise<DeadLetter[]> {
  const queues =
    options.queueUrls ??
    ((await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []).filter((url) => /dlq/i.test(url));
  const perQueue = await Promise.all(
    queues.map(async (queueUrl) => {
      const read = await readQueue(sqs, queueUrl, {
        max: MAX_PER_QUEUE,
        hideSeconds: options.peek ? 60 : 300,
        untilEmpty: true,
      });
      const receipts = read.messages.map((m) => m.ReceiptHandle!);
      if (options.peek) await releaseMessages(sqs, queueUrl, receipts);
      return read.messages.map((m) => parseDeadLetter(queueUrl, m));
    }),
  );
  return perQueue.flat();
}

/**
 * Replays each letter to its function as Lambda would (an asynchronous Invoke, the event as the payload, whichever
 * shape held it), then deletes it. An unreadable letter is not replayed: it is made visible again and named in a
 * warning, so one odd message never stops the others' redrive.
 */
export async function redrive(
  sqs: SQSClient,
  lambda: LambdaClient,
  letters: DeadLetter[],
  warn: (line: string) => void = (line) => console.warn(line),
): Promise<number> {
  let count = 0;
  for (const letter of letters) {
    if (letter.shape === 'unreadable') {
      warn(`not redriven (left in ${letter.queueUrl.split('/').pop()}): ${letter.errorMessage}`);
      await releaseMessages(sqs, letter.queueUrl, [letter.receiptHandle]);
      continue;
    }
    await lambda.send(
      new InvokeCommand({
        FunctionName: letter.functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(letter.payload)),
      }),
    );
    await sqs.send(new DeleteMessageCommand({ QueueUrl: letter.queueUrl, ReceiptHandle: letter.receiptHandle }));
    count++;
  }
  return count;
}
