/**
 * `@charter/local/dlq`: the dead letters of every service's onFailure queue, read and replayed
 * with the real SDK (SQS and Lambda's Invoke API), as `npm run dlq` and the tests do.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ListQueuesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { readQueue, releaseMessages } from '@charter/shared/queue-read';

export interface DeadLetter {
  queueUrl: string;
  receiptHandle: string;
  functionName: string;
  bookingId?: string;
  errorType: string;
  errorMessage: string;
  condition: string;
  failedAt: string;
  payload: unknown;
}

export function parseDeadLetter(queueUrl: string, receiptHandle: string, body: string): DeadLetter {
  const record = JSON.parse(body) as {
    timestamp: string;
    requestContext: { functionArn: string; condition: string };
    requestPayload: { detail?: { booking_id?: string } };
    responsePayload?: { errorType?: string; errorMessage?: string };
  };
  const functionName = record.requestContext.functionArn.split(':')[6] ?? record.requestContext.functionArn;
  return {
    queueUrl,
    receiptHandle,
    functionName,
    ...(record.requestPayload?.detail?.booking_id ? { bookingId: record.requestPayload.detail.booking_id } : {}),
    errorType: record.responsePayload?.errorType ?? 'Error',
    errorMessage: record.responsePayload?.errorMessage ?? '',
    condition: record.requestContext.condition,
    failedAt: record.timestamp,
    payload: record.requestPayload,
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
      return read.messages.map((m) => parseDeadLetter(queueUrl, m.ReceiptHandle!, m.Body!));
    }),
  );
  return perQueue.flat();
}

export async function redrive(sqs: SQSClient, lambda: LambdaClient, letters: DeadLetter[]): Promise<number> {
  let count = 0;
  for (const letter of letters) {
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
