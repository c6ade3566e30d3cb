import { GetQueueUrlCommand, QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import { lazy } from '@charter/shared/lazy';
import { readQueue, releaseMessages } from '@charter/shared/queue-read';
import { parseDeadLetter, serviceOfQueue, type DeadLetter } from '../domain/dead-letters';

/**
 * Every service's dead-letter queue, read without consuming it: each queue's count, then its messages received (long
 * polling, so none is missed; hidden while the read runs) and made visible again at once, ten a call, so
 * `npm run dlq -- redrive` and the alarms still see them. The queues are read at once, side by side. A reader running
 * at the same moment may miss a message hidden by the other; the next read has it.
 */
const sqs = lazy(() => new SQSClient({}));
/** Longer than the longest read (the watch's 30 s timeout): a message is not handed out twice within one read. */
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

export interface QueueCount {
  queue: string;
  service: string;
  /** What the queue holds (SQS's approximate count, visible and in flight), whether or not all were read. */
  total: number;
  /** How many of them this read lists. */
  listed: number;
}

export interface QueuePeek {
  letters: DeadLetter[];
  /** Every queue this stage has, with its count. */
  queues: QueueCount[];
  /** Queues this stage does not have (a service not deployed). */
  missing: string[];
  /** Queues holding more than the read listed. */
  truncated: string[];
  calls: number;
}

/** Every queue's dead letters, at most `perQueue` of each (the console lists a few, the watch records many). */
export async function peekDeadLetters(queues: readonly string[], perQueue: number): Promise<QueuePeek> {
  const reads = await Promise.all(queues.map((name) => peekQueue(name, perQueue)));
  const result: QueuePeek = { letters: [], queues: [], missing: [], truncated: [], calls: 0 };
  for (const read of reads) {
    result.calls += read.calls;
    if (!read.count) {
      result.missing.push(read.name);
      continue;
    }
    result.letters.push(...read.letters);
    result.queues.push(read.count);
    if (read.count.total > read.count.listed) result.truncated.push(read.name);
  }
  return result;
}

async function peekQueue(name: string, max: number) {
  const url = await queueUrl(name);
  if (!url) return { name, letters: [], calls: 0 };
  const read = await readQueue(sqs, url, { max, hideSeconds: HIDE_SECONDS });
  const released = await releaseMessages(
    sqs,
    url,
    read.messages.map((m) => m.ReceiptHandle!),
  );
  const letters = read.messages.map((m) => parseDeadLetter(name, m.MessageId ?? '', m));
  // The count is approximate (and lags a send): never say a queue holds fewer than were read from it.
  const total = Math.max(read.visible + read.inFlight, letters.length);
  const count: QueueCount = { queue: name, service: serviceOfQueue(name), total, listed: letters.length };
  return { name, letters, count, calls: read.calls + released.calls };
}
