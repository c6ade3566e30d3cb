import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, readBody, type Operation, type Operations } from './aws-json';

/**
 * SQS's query protocol (a form-encoded `Action=...`, answered in XML), which SQS still accepts
 * and which clients older than its JSON protocol speak: the AWS CLI v2 that Debian packages
 * (2.9), boto3 before late 2023. The same operations as the JSON protocol serve it.
 */
const XMLNS = 'http://queue.amazonaws.com/doc/2012-11-05/';
const NUMBERS = new Set(['MaxNumberOfMessages', 'VisibilityTimeout', 'WaitTimeSeconds', 'DelaySeconds']);
/** Actions whose answer has a Result element even when it is empty (an empty receive, no queues). */
const RESULT_ACTIONS = new Set(['ListQueues', 'ReceiveMessage', 'GetQueueAttributes']);
/** Lists the query protocol flattens under a singular name. */
const MEMBER_NAMES: Record<string, string> = { QueueUrls: 'QueueUrl', Messages: 'Message' };

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const tag = (name: string, inner: string) => `<${name}>${inner}</${name}>`;

/** One output member as the query protocol writes it: flattened lists, Attributes as Name/Value pairs. */
function memberXml(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => memberXml(MEMBER_NAMES[name] ?? name, item)).join('');
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (name === 'Attributes')
      return entries.map(([k, v]) => tag('Attribute', tag('Name', k) + tag('Value', escape(String(v))))).join('');
    return tag(name, entries.map(([k, v]) => memberXml(k, v)).join(''));
  }
  return tag(name, escape(String(value)));
}

/** The input an operation reads, from the form: scalars by name, numbers as numbers (`AttributeName.1` is not read). */
function inputOf(params: URLSearchParams, queueUrlOfPath: string | undefined): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version' || key.includes('.')) continue;
    input[key] = NUMBERS.has(key) ? Number(value) : value;
  }
  // Older clients post to the queue's own URL instead of naming it.
  if (input.QueueUrl === undefined && queueUrlOfPath) input.QueueUrl = queueUrlOfPath;
  return input;
}

export function sqsQueryHandler(operations: Operations, endpoint: () => string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const send = (status: number, xml: string) => {
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      res.end(`<?xml version="1.0"?>${xml}`);
    };
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const params = new URLSearchParams(req.method === 'POST' ? (await readBody(req)).toString('utf8') : '');
      for (const [key, value] of url.searchParams) params.set(key, value);
      const action = params.get('Action') ?? '';
      const operation = operations[action] as Operation<unknown> | undefined;
      if (!operation)
        throw new AwsError('InvalidAction', `The action ${action || '(none)'} is not valid for this endpoint.`);
      const path = url.pathname.length > 1 ? `${endpoint()}${url.pathname}` : undefined;
      const output = (await operation(inputOf(params, path))) as Record<string, unknown>;
      const result = Object.entries(output ?? {})
        .map(([name, value]) => memberXml(name, value))
        .join('');
      const metadata = tag('ResponseMetadata', tag('RequestId', requestId));
      const body = result || RESULT_ACTIONS.has(action) ? tag(`${action}Result`, result) : '';
      send(200, `<${action}Response xmlns="${XMLNS}">${body}${metadata}</${action}Response>`);
    } catch (error) {
      const aws = error instanceof AwsError ? error : new AwsError('InternalError', (error as Error).message, 500);
      const fault = tag('Type', aws.statusCode < 500 ? 'Sender' : 'Receiver') + tag('Code', aws.code);
      const inner =
        tag('Error', fault + tag('Message', escape(aws.message)) + '<Detail/>') + tag('RequestId', requestId);
      send(aws.statusCode, `<ErrorResponse xmlns="${XMLNS}">${inner}</ErrorResponse>`);
    }
  };
}
