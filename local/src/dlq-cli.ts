/**
 * `npm run dlq`: lists what every service's dead-letter queue holds, with the error and the
 * booking id. `npm run dlq -- redrive`: replays each one to its function as Lambda would
 * (an asynchronous Invoke) and removes it from the queue once the Invoke is accepted.
 * It talks to SQS and Lambda with the real SDK, at the running local cloud's endpoints.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CREDENTIALS, REGION, ROOT } from './cloud';

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
 * Every dead letter of every `*dlq*` queue. Each page is hidden while the next is read (SQS hands
 * out at most 10 at a time); `peek` makes them visible again at once, so listing changes nothing.
 */
export async function readDeadLetters(sqs: SQSClient, options: { peek: boolean }): Promise<DeadLetter[]> {
  const queues = ((await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []).filter((url) => /dlq/i.test(url));
  const letters: DeadLetter[] = [];
  for (const queueUrl of queues) {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
      );
      if (Messages.length === 0) break;
      letters.push(...Messages.map((m) => parseDeadLetter(queueUrl, m.ReceiptHandle!, m.Body!)));
    }
  }
  if (options.peek) {
    for (const l of letters)
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: l.queueUrl,
          ReceiptHandle: l.receiptHandle,
          VisibilityTimeout: 0,
        }),
      );
  }
  return letters;
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

async function main(): Promise<void> {
  const file = join(ROOT, '.local', 'endpoints.json');
  if (!existsSync(file))
    throw new Error(
      'No local cloud is running here (.local/endpoints.json is missing): start it with `npm run local`.',
    );
  const endpoints = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const config = { region: REGION, credentials: CREDENTIALS };
  const sqs = new SQSClient({ ...config, endpoint: endpoints.sqs });
  const lambda = new LambdaClient({ ...config, endpoint: endpoints.lambda });
  const redriving = process.argv.includes('redrive');
  const letters = await readDeadLetters(sqs, { peek: !redriving });
  if (letters.length === 0) {
    console.log('No dead letters.');
    return;
  }
  for (const l of letters) {
    console.log(
      `${l.failedAt}  ${l.functionName}  booking ${l.bookingId ?? '-'}  ${l.condition}: ${l.errorType}: ${l.errorMessage}`,
    );
  }
  if (redriving) console.log(`Redrove ${await redrive(sqs, lambda, letters)} dead letter(s) to their functions.`);
  else console.log(`${letters.length} dead letter(s). Fix the cause, then: npm run dlq -- redrive`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
