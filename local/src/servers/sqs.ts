import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { seededRandom } from '../faults/injector';
import { AwsError, awsJsonHandler, type Operations } from './aws-json';
import { sqsQueryHandler } from './sqs-query';

/**
 * The dead-letter queues: SQS's JSON protocol (the SDK v3 default) for the operations a
 * dead-letter list needs. Messages survive a restart with --persist. Receive hides a message
 * for its visibility timeout, as SQS does, so two readers do not both redrive it; with
 * WaitTimeSeconds it long-polls (answers as soon as a message is visible, else empty once the
 * wait is over), and `sampleShortPolls` makes short polls miss messages as SQS's do.
 */
interface Message {
  id: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  invisibleUntil: number;
  receipt?: string;
  /** Which of the queue's servers holds it (see sampleShortPolls); absent in files written before. */
  server?: number;
  /** What the sender attached (EventBridge's ERROR_CODE, TARGET_ARN... on a rule target's dead letter). */
  attributes?: Record<string, MessageAttribute>;
}

interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** SQS's own bounds (ReceiveMessage, ChangeMessageVisibility and the batch calls). */
const MAX_WAIT_SECONDS = 20;
const MAX_VISIBILITY_SECONDS = 43_200;
const MAX_BATCH = 10;
/** How often a long poll looks again while it waits. */
const POLL_MS = 25;
const SERVERS = 4;

interface ReceiveInput {
  QueueUrl?: string;
  MaxNumberOfMessages?: number;
  VisibilityTimeout?: number;
  WaitTimeSeconds?: number;
  /** Which message attributes to hand out: `All` or `.*`, a name, or a prefix `name.*`; none when absent, as SQS. */
  MessageAttributeNames?: string[];
}

/** The message attributes a receive asked for (SQS hands out none unless asked). */
function attributesAsked(attributes: Message['attributes'], names: string[] | undefined) {
  if (!attributes || !names?.length) return undefined;
  const wanted = (name: string) =>
    names.some((n) => n === 'All' || n === '.*' || n === name || (n.endsWith('.*') && name.startsWith(n.slice(0, -1))));
  const picked = Object.entries(attributes).filter(([name]) => wanted(name));
  return picked.length > 0 ? Object.fromEntries(picked) : undefined;
}

interface VisibilityBatchInput {
  QueueUrl?: string;
  Entries?: Array<{ Id?: string; ReceiptHandle?: string; VisibilityTimeout?: number }>;
}

/** A whole number of seconds within SQS's bounds, else SQS's InvalidParameterValue naming it. */
function seconds(name: string, value: number | undefined, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new AwsError(
      'InvalidParameterValue',
      `Value ${value} for parameter ${name} is invalid. Reason: Must be >= 0 and <= ${max}, if provided.`,
    );
  return value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

export class SqsState {
  private readonly queues = new Map<string, Message[]>();
  private listeners: Array<(queue: string, body: string) => void> = [];
  private sent = 0;
  /** Which servers a short poll asks, when sampled; undefined: every message is seen by every receive. */
  private sampleServers?: () => Set<number>;

  constructor(
    private readonly baseUrl: () => string,
    private readonly accountId: string,
    private readonly file?: string,
  ) {
    if (file && existsSync(file)) {
      for (const [name, messages] of Object.entries(
        JSON.parse(readFileSync(file, 'utf8')) as Record<string, Message[]>,
      )) {
        this.queues.set(name, messages);
      }
    }
  }

  onMessage(listener: (queue: string, body: string) => void): void {
    this.listeners.push(listener);
  }

  private save(): void {
    if (this.file) writeFileSync(this.file, JSON.stringify(Object.fromEntries(this.queues), null, 2));
  }

  url(name: string): string {
    return `${this.baseUrl()}/${this.accountId}/${name}`;
  }

  ensure(name: string): string {
    if (!this.queues.has(name)) {
      this.queues.set(name, []);
      this.save();
    }
    return this.url(name);
  }

  names(): string[] {
    return [...this.queues.keys()];
  }

  private queueOf(queueUrl: unknown): [string, Message[]] {
    const name = typeof queueUrl === 'string' ? (queueUrl.split('/').pop() ?? '') : '';
    const messages = this.queues.get(name);
    if (!messages) throw new AwsError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
    return [name, messages];
  }

  send(
    queueUrl: string,
    body: string,
    attributes?: Record<string, MessageAttribute>,
  ): { MessageId: string; MD5OfMessageBody: string } {
    const [name, messages] = this.queueOf(queueUrl);
    if (!body) throw new AwsError('MissingParameter', 'The request must contain the parameter MessageBody.');
    if (Buffer.byteLength(body) > 256 * 1024)
      throw new AwsError(
        'InvalidParameterValue',
        'One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.',
      );
    const message: Message = {
      id: randomUUID(),
      body,
      sentAt: Date.now(),
      receiveCount: 0,
      invisibleUntil: 0,
      server: this.sent++ % SERVERS,
      ...(attributes && Object.keys(attributes).length > 0 ? { attributes } : {}),
    };
    messages.push(message);
    this.save();
    for (const listener of this.listeners) listener(name, body);
    return { MessageId: message.id, MD5OfMessageBody: md5(body) };
  }

  /**
   * Test-only: short polls (no WaitTimeSeconds) see a sample of the queue, as SQS's do. SQS keeps a queue's messages
   * on several servers and a short poll asks only some of them, so a queue of few messages can answer fewer than it
   * holds, or none at all; a long poll asks every server
   * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html).
   * Here each message sits on one of four servers (in turn, as sent) and a short poll asks each with even odds, from
   * a seeded PRNG so a test is repeatable. Off by default (and with `false`): every receive sees every visible message.
   */
  sampleShortPolls(seed: number | false): void {
    if (seed === false) {
      this.sampleServers = undefined;
      return;
    }
    const random = seededRandom(seed);
    this.sampleServers = () => new Set(Array.from({ length: SERVERS }, (_, i) => i).filter(() => random() < 0.5));
  }

  /** A receive: at once when a message is visible or no wait was asked, else as soon as one is, or empty at the end. */
  async receiveWaiting(input: ReceiveInput) {
    const wait = seconds('WaitTimeSeconds', input.WaitTimeSeconds, MAX_WAIT_SECONDS, 0);
    const deadline = Date.now() + wait * 1000;
    for (;;) {
      const received = this.receive(input, wait > 0);
      if (received.Messages.length > 0 || Date.now() >= deadline) return received;
      await sleep(Math.min(POLL_MS, deadline - Date.now()));
    }
  }

  receive(input: ReceiveInput, longPoll = true) {
    const [, messages] = this.queueOf(input.QueueUrl);
    const max = Math.min(Math.max(input.MaxNumberOfMessages ?? 1, 1), 10);
    const visibility = seconds('VisibilityTimeout', input.VisibilityTimeout, MAX_VISIBILITY_SECONDS, 30);
    const asked = longPoll ? undefined : this.sampleServers?.();
    const now = Date.now();
    const out = [];
    for (const message of messages) {
      if (out.length >= max) break;
      if (message.invisibleUntil > now) continue;
      if (asked && !asked.has(message.server ?? 0)) continue;
      message.receiveCount++;
      message.invisibleUntil = now + visibility * 1000;
      message.receipt = `${message.id}#${randomUUID()}`;
      const messageAttributes = attributesAsked(message.attributes, input.MessageAttributeNames);
      out.push({
        MessageId: message.id,
        ReceiptHandle: message.receipt,
        Body: message.body,
        MD5OfBody: md5(message.body),
        Attributes: { SentTimestamp: String(message.sentAt), ApproximateReceiveCount: String(message.receiveCount) },
        ...(messageAttributes ? { MessageAttributes: messageAttributes } : {}),
      });
    }
    if (out.length > 0) this.save();
    return { Messages: out };
  }

  delete(input: { QueueUrl?: string; ReceiptHandle?: string }) {
    const [name, messages] = this.queueOf(input.QueueUrl);
    const index = messages.findIndex((m) => m.receipt && m.receipt === input.ReceiptHandle);
    if (index === -1) throw new AwsError('ReceiptHandleIsInvalid', 'The input receipt handle is invalid.');
    messages.splice(index, 1);
    this.queues.set(name, messages);
    this.save();
    return {};
  }

  changeVisibility(input: { QueueUrl?: string; ReceiptHandle?: string; VisibilityTimeout?: number }) {
    const [, messages] = this.queueOf(input.QueueUrl);
    const message = messages.find((m) => m.receipt && m.receipt === input.ReceiptHandle);
    if (!message) throw new AwsError('ReceiptHandleIsInvalid', 'The input receipt handle is invalid.');
    const visibility = seconds('VisibilityTimeout', input.VisibilityTimeout, MAX_VISIBILITY_SECONDS, 0);
    message.invisibleUntil = Date.now() + visibility * 1000;
    this.save();
    return {};
  }

  /** Up to ten at once, each entry succeeding or failing alone (a stale receipt handle fails its entry only). */
  changeVisibilityBatch(input: VisibilityBatchInput) {
    const entries = input.Entries ?? [];
    this.queueOf(input.QueueUrl);
    if (entries.length === 0)
      throw new AwsError(
        'AWS.SimpleQueueService.EmptyBatchRequest',
        'There should be at least one entry in the request.',
      );
    if (entries.length > MAX_BATCH)
      throw new AwsError(
        'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
        `Maximum number of entries per request are ${MAX_BATCH}. You have sent ${entries.length}.`,
      );
    const ids = entries.map((e) => e.Id ?? '');
    if (new Set(ids).size !== ids.length)
      throw new AwsError(
        'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
        'Two or more batch entries have the same Id.',
      );
    const bad = ids.find((id) => !/^[A-Za-z0-9_-]{1,80}$/.test(id));
    if (bad !== undefined)
      throw new AwsError('AWS.SimpleQueueService.InvalidBatchEntryId', `Batch entry id ${bad} is invalid.`);
    const Successful: Array<{ Id: string }> = [];
    const Failed: Array<{ Id: string; SenderFault: boolean; Code: string; Message: string }> = [];
    for (const entry of entries) {
      try {
        this.changeVisibility({ QueueUrl: input.QueueUrl, ...entry });
        Successful.push({ Id: entry.Id! });
      } catch (error) {
        const aws = error as AwsError;
        Failed.push({ Id: entry.Id!, SenderFault: true, Code: aws.code, Message: aws.message });
      }
    }
    return { Successful, Failed };
  }

  count(queueUrl: string): number {
    return this.queueOf(queueUrl)[1].length;
  }

  operations(): Operations {
    return {
      CreateQueue: (input: { QueueName?: string }) => {
        if (!input.QueueName) throw new AwsError('MissingParameter', 'QueueName is required');
        return { QueueUrl: this.ensure(input.QueueName) };
      },
      GetQueueUrl: (input: { QueueName?: string }) => {
        if (!input.QueueName || !this.queues.has(input.QueueName)) {
          throw new AwsError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
        }
        return { QueueUrl: this.url(input.QueueName) };
      },
      ListQueues: (input: { QueueNamePrefix?: string }) => ({
        QueueUrls: this.names()
          .filter((n) => !input.QueueNamePrefix || n.startsWith(input.QueueNamePrefix))
          .map((n) => this.url(n)),
      }),
      SendMessage: (input: {
        QueueUrl: string;
        MessageBody: string;
        MessageAttributes?: Record<string, MessageAttribute>;
      }) => this.send(input.QueueUrl, input.MessageBody, input.MessageAttributes),
      ReceiveMessage: async (input: ReceiveInput) => {
        const received = await this.receiveWaiting(input);
        // On the wire SQS answers an empty receive with no Messages at all.
        return received.Messages.length > 0 ? received : {};
      },
      DeleteMessage: (input) => this.delete(input),
      ChangeMessageVisibility: (input) => this.changeVisibility(input),
      ChangeMessageVisibilityBatch: (input) => this.changeVisibilityBatch(input),
      GetQueueAttributes: (input: { QueueUrl: string }) => {
        const [, messages] = this.queueOf(input.QueueUrl);
        const now = Date.now();
        return {
          Attributes: {
            ApproximateNumberOfMessages: String(messages.filter((m) => m.invisibleUntil <= now).length),
            ApproximateNumberOfMessagesNotVisible: String(messages.filter((m) => m.invisibleUntil > now).length),
          },
        };
      },
      PurgeQueue: (input: { QueueUrl: string }) => {
        const [name] = this.queueOf(input.QueueUrl);
        this.queues.set(name, []);
        this.save();
        return {};
      },
    };
  }
}

/** The JSON protocol (the SDK v3, botocore since late 2023) by its X-Amz-Target; else the query protocol. */
export function sqsHandler(state: SqsState, endpoint: () => string) {
  const json = awsJsonHandler('AmazonSQS', state.operations(), '1.0');
  const query = sqsQueryHandler(state.operations(), endpoint);
  return (req: IncomingMessage, res: ServerResponse) => (req.headers['x-amz-target'] ? json : query)(req, res);
}
