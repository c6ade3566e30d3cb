import { randomUUID } from 'node:crypto';
import { CloudFrontClient, GetInvalidationCommand, ListInvalidationsCommand } from '@aws-sdk/client-cloudfront';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BookingCreatedInput } from '@charter/events';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** Helpers for the handler tests: events as API Gateway and EventBridge deliver them, and readers of the bucket and CloudFront. */

export function lambdaContext(name = 'charter-calendar-local-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-west-2:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function httpEvent(
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; query?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString,
    headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: randomUUID(),
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

export function bookingCreatedEvent(booking: BookingCreatedInput, partner = booking.source) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'BookingCreated',
    source: `partner.${partner}`,
    account: '000000000000',
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-west-2',
    resources: [],
    detail: booking,
  };
}

/** A full booking, with the personal data and money the calendar must never publish. */
export function booking(overrides: Partial<BookingCreatedInput> = {}): BookingCreatedInput {
  return {
    schema_version: 1,
    booking_id: 'xhqgmdh',
    source: 'boatsetter',
    charter_date: '2027-05-30',
    charter_start: '10:00',
    charter_end: '13:00',
    timezone: 'America/Los_Angeles',
    guest_count: 4,
    guest: { name: 'Dana Whitfield', email: 'dana.whitfield@example.com', phone: '+1 619 555 0142' },
    vessel: 'JADA',
    location: 'Shelter Island, San Diego',
    revenue_cents: 145000,
    captain_fee_cents: 30000,
    currency: 'USD',
    notes: 'Birthday cruise, bringing a cake.\nRevenue: $1,450.00 (Boatsetter payout after fees)\nCaptain fee $300',
    ...overrides,
  };
}

export interface PublicCalendarFile {
  body: string;
  cacheControl?: string;
  contentType?: string;
  calendar: { year: number; generated_at: string; entries: Array<Record<string, unknown>> };
}

/**
 * The object as it is in the bucket (undefined when there is none yet). s3rver writes an object
 * file in place, so a read racing a PUT can see half of it, which S3 never shows: such a read
 * (or a connection the busy stand-in dropped) is read again.
 */
export async function readCalendarObject(bucket: string, year: number): Promise<PublicCalendarFile | undefined> {
  const s3 = new S3Client({ forcePathStyle: true });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `calendar/${year}.json` }));
        const body = await object.Body!.transformToString();
        return { body, cacheControl: object.CacheControl, contentType: object.ContentType, calendar: JSON.parse(body) };
      } catch (error) {
        if ((error as Error).name === 'NoSuchKey') return undefined;
        const torn = error instanceof SyntaxError || /aborted|ECONNRESET/.test(`${(error as Error).message} ${(error as { code?: string }).code}`);
        if (!torn || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  } finally {
    s3.destroy();
  }
}

/** What a visitor gets through the calendar's CloudFront distribution. */
export async function fetchThroughCloudFront(siteUrl: string, year: number) {
  const response = await fetch(`${siteUrl}/calendar/${year}.json`);
  return { status: response.status, cache: response.headers.get('x-cache'), calendar: (await response.json()) as PublicCalendarFile['calendar'] };
}

/** Every invalidation of the distribution (its paths and CallerReference), through the CloudFront API. */
export async function invalidations(distributionId: string): Promise<Array<{ paths: string[]; callerReference: string }>> {
  const cloudfront = new CloudFrontClient({});
  try {
    const list = await cloudfront.send(new ListInvalidationsCommand({ DistributionId: distributionId }));
    const found: Array<{ paths: string[]; callerReference: string }> = [];
    for (const summary of list.InvalidationList?.Items ?? []) {
      const { Invalidation } = await cloudfront.send(new GetInvalidationCommand({ DistributionId: distributionId, Id: summary.Id! }));
      found.push({ paths: Invalidation?.InvalidationBatch?.Paths?.Items ?? [], callerReference: Invalidation?.InvalidationBatch?.CallerReference ?? '' });
    }
    return found;
  } finally {
    cloudfront.destroy();
  }
}

/** The path of every invalidation of the distribution, one per path per invalidation. */
export const invalidatedPaths = async (distributionId: string) => (await invalidations(distributionId)).flatMap((i) => i.paths);

/**
 * Runs tasks with at most `limit` in flight, like concurrent Lambda invocations. Every task runs
 * to its end before a failure is reported, so none is left talking to a stopped local cloud.
 */
export async function withConcurrency<T>(limit: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      try {
        results[index] = await tasks[index]!();
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} of ${tasks.length} tasks failed: ${(errors[0] as Error).message}`);
  return results;
}
