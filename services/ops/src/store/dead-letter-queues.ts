import {
  ChangeMessageVisibilityCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { parseDeadLetter, type DeadLetter } from '../domain/dead-letters';

/**
 * Every service's dead-letter queue, read without consuming it: each message is received (hidden for a moment, as
 * SQS hands out at most 10 at a time) and made visible again at once, so `npm run dlq -- redrive` and the alarms
 * still see it. A reader running at the same moment may miss a message hidden by the other; the next read has it.
 */
const sqs = new SQSClient({});
/** Per queue, the most one read looks at: a queue with more is listed as having more. */
const MAX_PER_QUEUE = 100;
const HIDE_SECONDS = 30;

const urls = new Map<string, string>();

/** The queue's URL (GetQueueUrl: the same call in AWS and locally); undefined when this stage has no such queue. */
async function queueUrl(name: string): Promise<string | undefined> {
  const known = urls.get(name);
  if (known) return known;
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    if (QueueUrl) urls.set(name, QueueUrl);
    return QueueUrl;
  } catch (error) {
    const nonExistent = error instanceof QueueDoesNotExist || (error as Error).name.includes('NonExistentQueue');
    if (nonExistent) return undefined;
    throw error;
  }
}

export interface QueuePeek {
  letters: DeadLetter[];
  /** Queues this stage does not have (a service not deployed). */
  missing: string[];
  /** Queues with more than the read looked at. */
  truncated: string[];
  calls: number;
}

export async function peekDeadLetters(queues: readonly string[]): Promise<QueuePeek> {
  const result: QueuePeek = { letters: [], missing: [], truncated: [], calls: 0 };
  for (const name of queues) {
    const url = await queueUrl(name);
    if (!url) {
      result.missing.push(name);
      continue;
    }
    const receipts: string[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: HIDE_SECONDS,
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      );
      result.calls++;
      if (Messages.length === 0) break;
      for (const m of Messages) {
        const sent = m.Attributes?.SentTimestamp
          ? new Date(Number(m.Attributes.SentTimestamp)).toISOString()
          : undefined;
        result.letters.push(parseDeadLetter(name, m.MessageId ?? '', m.Body ?? '', sent));
        receipts.push(m.ReceiptHandle!);
      }
      if (receipts.length >= MAX_PER_QUEUE) {
        result.truncated.push(name);
        break;
      }
    }
    for (const receipt of receipts) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: receipt, VisibilityTimeout: 0 }),
      );
      result.calls++;
    }
  }
  return result;
}
