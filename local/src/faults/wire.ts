import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { crc32 } from 'node:zlib';
import { seededRandom, type FaultInjector, type FaultRolls } from './injector';
import type { FaultTarget } from './options';

/**
 * The error each stand-in answers a chosen request with, byte for byte as the AWS service sends
 * it, so the SDK parses, names and classifies it as it would in AWS: every one of these is on the
 * SDK's throttling list (ThrottlingException, ProvisionedThroughputExceededException, SlowDown,
 * TooManyRequestsException, RequestThrottled) or a 500/503 it retries as transient.
 */
export interface WireFault {
  /** The error code, as the SDK names the error. */
  kind: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  /**
   * The request reached the store before the error (a 500 whose answer was lost on the way back):
   * AWS says such a write may or may not have been applied, and a retried conditional write then
   * meets its own first attempt.
   */
  applied: boolean;
}

/** For one stand-in: which requests are data plane, and the fault a chosen one gets. */
export interface WireFaults {
  dataPlane(req: IncomingMessage, url: URL): boolean;
  fault(req: IncomingMessage, url: URL, rolls: FaultRolls): WireFault;
}

const operationOf = (req: IncomingMessage) => String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';

function jsonFault(
  contentType: string,
  kind: string,
  status: number,
  body: Record<string, string>,
  extra: Record<string, string> = {},
  applied = false,
): WireFault {
  const text = JSON.stringify(body);
  return {
    kind,
    status,
    headers: { 'content-type': contentType, 'x-amzn-requestid': randomUUID(), 'x-amzn-errortype': kind, ...extra },
    body: text,
    applied,
  };
}

const DYNAMODB_READS = ['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems'];
const DYNAMODB_WRITES = [
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
];
const DYNAMODB_DATA_PLANE = new Set([...DYNAMODB_READS, ...DYNAMODB_WRITES]);
const DYNAMODB_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

/** A third each: ThrottlingException, ProvisionedThroughputExceededException, InternalServerError. */
const DYNAMODB_ERRORS = [
  ['ThrottlingException', 400, 'Rate of requests exceeds the allowed throughput.'],
  [
    'ProvisionedThroughputExceededException',
    400,
    'The level of configured provisioned throughput for the table was exceeded. ' +
      'Consider increasing your provisioning level with the UpdateTable API.',
  ],
  ['InternalServerError', 500, 'Internal server error'],
] as const;

/** Half the InternalServerErrors on a write come after the write (see `applied`). */
const dynamodb: WireFaults = {
  dataPlane: (req) => DYNAMODB_DATA_PLANE.has(operationOf(req)),
  fault(req, _url, [kind, detail]) {
    const [code, status, message] = DYNAMODB_ERRORS[Math.floor(kind * DYNAMODB_ERRORS.length)]!;
    const applied = code === 'InternalServerError' && detail < 0.5 && DYNAMODB_WRITES.includes(operationOf(req));
    const body = { __type: `${DYNAMODB_PREFIX}${code}`, message };
    const fault = jsonFault('application/x-amz-json-1.0', code, status, body, {}, applied);
    // DynamoDB sends a CRC32 of every answer's body; botocore checks it.
    fault.headers['x-amz-crc32'] = String(crc32(fault.body));
    return fault;
  },
};

/** Bucket subresources (`?cors`, `?policy`...) are configuration, not data. */
const S3_CONTROL_SUBRESOURCES = [
  'accelerate',
  'acl',
  'analytics',
  'cors',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'lifecycle',
  'location',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'tagging',
  'versioning',
  'website',
];

const S3_ERRORS = [
  ['SlowDown', 503, 'Please reduce your request rate.'],
  ['InternalError', 500, 'We encountered an internal error. Please try again.'],
] as const;

/** Two thirds SlowDown (503), a third InternalError (500; half of the writes among them after the write). */
const s3: WireFaults = {
  dataPlane(req, url) {
    const segments = url.pathname.split('/').filter(Boolean);
    if (segments.length >= 2) return true; // an object
    if (segments.length === 0) return false; // ListBuckets
    if (S3_CONTROL_SUBRESOURCES.some((s) => url.searchParams.has(s))) return false;
    // ListObjects, and POST: a browser's presigned-POST upload or a DeleteObjects; not CreateBucket or DeleteBucket.
    return req.method === 'GET' || req.method === 'POST';
  },
  fault(req, _url, [kind, detail]) {
    const [code, status, message] = kind < 2 / 3 ? S3_ERRORS[0] : S3_ERRORS[1];
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    const hostId = randomBytes(48).toString('base64');
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${code}</Code><Message>${message}</Message>` +
      `<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
    const writes = req.method === 'PUT' || req.method === 'POST' || req.method === 'DELETE';
    return {
      kind: code,
      status,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'x-amz-id-2': hostId },
      body,
      applied: code === 'InternalError' && detail < 0.5 && writes,
    };
  },
};

/** SES v2 sends mail at these two routes; the mail viewer and GET /store are the local cloud's, not SES's. */
const SES_SENDS = new Set(['/v2/email/outbound-emails', '/v2/email/outbound-bulk-emails']);

/**
 * Two thirds TooManyRequestsException (429), a third InternalFailure (500, SES v2's common error for "the request
 * processing has failed because of an unknown error"): SES documents both as a failed request, so SES did not take
 * the message (never applied here).
 */
const ses: WireFaults = {
  dataPlane: (req, url) => req.method === 'POST' && SES_SENDS.has(url.pathname),
  fault: (_req, _url, [kind]) =>
    kind < 2 / 3
      ? jsonFault(
          'application/json',
          'TooManyRequestsException',
          429,
          { message: 'Too many requests.' },
          { 'x-amzn-errortype': 'TooManyRequestsException:http://internal.amazon.com/coral/com.amazon.sesv2/' },
        )
      : jsonFault('application/json', 'InternalFailure', 500, {
          message: 'The request processing has failed because of an unknown error, exception or failure.',
        }),
};

const SECRETS_DATA_PLANE = new Set(['GetSecretValue', 'BatchGetSecretValue', 'PutSecretValue']);

/** Half ThrottlingException (400 "Rate exceeded"), half InternalServiceError (500). */
const secretsmanager: WireFaults = {
  dataPlane: (req) => SECRETS_DATA_PLANE.has(operationOf(req)),
  fault: (_req, _url, [kind]) =>
    kind < 0.5
      ? jsonFault('application/x-amz-json-1.1', 'ThrottlingException', 400, {
          __type: 'ThrottlingException',
          message: 'Rate exceeded',
        })
      : jsonFault('application/x-amz-json-1.1', 'InternalServiceError', 500, {
          __type: 'InternalServiceError',
          message: 'An error occurred on the server side.',
        }),
};

const SQS_DATA_PLANE = new Set([
  'SendMessage',
  'SendMessageBatch',
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
]);

/** RequestThrottled, as SQS's JSON protocol sends it (403, with the query-compatible error code). */
const sqs: WireFaults = {
  dataPlane: (req) => SQS_DATA_PLANE.has(operationOf(req)),
  fault: () =>
    jsonFault(
      'application/x-amz-json-1.0',
      'RequestThrottled',
      403,
      { __type: 'com.amazonaws.sqs#RequestThrottled', message: 'Request is throttled.' },
      { 'x-amzn-query-error': 'RequestThrottled;Sender' },
    ),
};

/** EventBridge's faults are decided inside PutEvents (a partial failure fails some entries): see eventbridge.ts. */
export const WIRE_FAULTS: Record<Exclude<FaultTarget, 'eventbridge'>, WireFaults> = {
  dynamodb,
  s3,
  ses,
  secretsmanager,
  sqs,
};

/** A PutEvents request chosen to fail: throttled whole, or some of its entries failed (the rest delivered). */
export type PutEventsFault = { kind: 'ThrottlingException' } | { kind: 'InternalFailure'; failed: Set<number> };

/**
 * A quarter of EventBridge's faults throttle the whole request (400 ThrottlingException, which the
 * SDK retries); the rest answer 200 with `FailedEntryCount` and `InternalFailure` on some entries,
 * which the SDK does not retry: the publisher must. Each failed entry is counted.
 */
export function putEventsFaults(injector: FaultInjector): (entries: number) => PutEventsFault | undefined {
  return (entries) => {
    const rolls = injector.draw('eventbridge');
    if (!rolls) return undefined;
    const [kind, detail] = rolls;
    if (kind < 0.25) {
      injector.record('eventbridge', 'ThrottlingException');
      return { kind: 'ThrottlingException' };
    }
    // Which entries fail comes from the detail roll, so the draws per request stay three.
    const pick = seededRandom(Math.floor(detail * 2 ** 32));
    const failed = new Set(Array.from({ length: entries }, (_, i) => i).filter(() => pick() < 0.5));
    if (failed.size === 0) failed.add(Math.floor(pick() * entries));
    for (let i = 0; i < failed.size; i++) injector.record('eventbridge', 'InternalFailure');
    return { kind: 'InternalFailure', failed };
  };
}
