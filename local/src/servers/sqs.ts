import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, awsJsonHandler, type Operations } from './aws-json';
import { sqsQueryHandler } from './sqs-query';

/**
 * The dead-letter queues: SQS's JSON protocol (the SDK v3 default) for the operations a
 * dead-letter list needs. Messages survive a restart with --persist. Receive hides a message
 * for its visibility timeout, as SQS does, so two readers do not both redrive it.
 */
interface Message {
  id: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  invisibleUntil: number;
  receipt?: string;
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

export class SqsState {
  private readonly queues = new Map<string, Message[]>();
  private listeners: Array<(queue: string, body: string) => void> = [];

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

  send(queueUrl: string, body: string): { MessageId: string; MD5OfMessageBody: string } {
    const [name, messages] = this.queueOf(queueUrl);
    if (!body) throw new AwsError('MissingParameter', 'The request must contain the parameter MessageBody.');
    if (Buffer.byteLength(body) > 256 * 1024)
      throw new AwsError(
        'InvalidParameterValue',
        'One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.',
      );
    const message: Message = { id: randomUUID(), body, sentAt: Date.now(), receiveCount: 0, invisibleUntil: 0 };
    messages.push(message);
    this.save();
    for (const listener of this.listeners) listener(name, body);
    return { MessageId: message.id, MD5OfMessageBody: md5(body) };
  }

  receive(input: { QueueUrl?: string; MaxNumberOfMessages?: number; VisibilityTimeout?: number }) {
    const [, messages] = this.queueOf(input.QueueUrl);
    const max = Math.min(Math.max(input.MaxNumberOfMessages ?? 1, 1), 10);
    const visibility = input.VisibilityTimeout ?? 30;
    const now = Date.now();
    const out = [];
    for (const message of messages) {
      if (out.length >= max) break;
      if (message.invisibleUntil > now) continue;
      message.receiveCount++;
      message.invisibleUntil = now + visibility * 1000;
      message.receipt = `${message.id}#${randomUUID()}`;
      out.push({
        MessageId: message.id,
        ReceiptHandle: message.receipt,
        Body: message.body,
        MD5OfBody: md5(message.body),
        Attributes: { SentTimestamp: String(message.sentAt), ApproximateReceiveCount: String(message.receiveCount) },
      });
    }
    this.save();
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
    message.invisibleUntil = Date.now() + (input.VisibilityTimeout ?? 0) * 1000;
    this.save();
    return {};
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
      SendMessage: (input: { QueueUrl: string; MessageBody: string }) => this.send(input.QueueUrl, input.MessageBody),
      ReceiveMessage: (input) => {
        const received = this.receive(input);
        // On the wire SQS answers an empty receive with no Messages at all.
        return received.Messages.length > 0 ? received : {};
      },
      DeleteMessage: (input) => this.delete(input),
      ChangeMessageVisibility: (input) => this.changeVisibility(input),
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
