import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';

/**
 * The local SQS as the dead-letter readers use it (ops' console and watch, `npm run dlq`), through the real SDK:
 * queue counts, long polling, visibility reset ten at a time, and short polls that miss messages as SQS's do.
 */
let cloud: LocalCloud;
let sqs: SQSClient;

beforeAll(async () => {
  cloud = await startLocalCloud({ services: [] });
  sqs = new SQSClient({});
});
afterAll(async () => {
  sqs?.destroy();
  await cloud?.stop();
});

async function queueWith(name: string, count: number): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  for (let i = 0; i < count; i++) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `letter ${i}` }));
  return QueueUrl!;
}
const counts = async (QueueUrl: string) =>
  (
    await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    )
  ).Attributes;

it('counts visible and hidden messages (GetQueueAttributes)', async () => {
  const url = await queueWith('sqs-test-counts', 3);
  await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 2, VisibilityTimeout: 30 }));
  expect(await counts(url)).toEqual({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '2' });
});

it('long-polls: waits for a message sent during the wait, and answers empty only when the wait is over', async () => {
  const url = await queueWith('sqs-test-long-poll', 0);
  const started = Date.now();
  const empty = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
  expect(empty.Messages).toBeUndefined();
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);

  const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }));
  setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late' })), 200);
  const sent = Date.now();
  const { Messages } = await waiting;
  expect(Messages?.map((m) => m.Body)).toEqual(['late']);
  expect(Date.now() - sent).toBeLessThan(2000);

  await expect(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 21 }))).rejects.toMatchObject({
    name: 'InvalidParameterValue',
  });
});

it('makes ten messages visible again in one ChangeMessageVisibilityBatch, failing a stale receipt alone', async () => {
  const url = await queueWith('sqs-test-batch', 10);
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
  );
  expect(Messages).toHaveLength(10);
  const entries = Messages.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
  entries[9]!.ReceiptHandle = 'stale';
  const result = await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: entries }));
  expect(result.Successful?.map((s) => s.Id)).toEqual(entries.slice(0, 9).map((e) => e.Id));
  expect(result.Failed).toEqual([
    { Id: 'm9', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'The input receipt handle is invalid.' },
  ]);
  expect(await counts(url)).toEqual({ ApproximateNumberOfMessages: '9', ApproximateNumberOfMessagesNotVisible: '1' });

  const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, ReceiptHandle: 'x', VisibilityTimeout: 0 }));
  await expect(
    sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: eleven })),
  ).rejects.toMatchObject({ name: 'TooManyEntriesInBatchRequest' });
  const twice = [entries[0]!, entries[0]!];
  await expect(
    sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: twice })),
  ).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinct' });
});

it('lets a sampled short poll miss messages, while a long poll sees every one', async () => {
  const url = await queueWith('sqs-test-sampled', 4);
  cloud.sqs.sampleShortPolls(7);
  try {
    const shortPolls = [];
    for (let i = 0; i < 20; i++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
      );
      shortPolls.push(Messages.length);
    }
    expect(Math.min(...shortPolls)).toBeLessThan(4);
    expect(Math.max(...shortPolls)).toBeGreaterThan(0);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 1 }),
    );
    expect(Messages).toHaveLength(4);
  } finally {
    cloud.sqs.sampleShortPolls(false);
  }
});
