import { CloudFrontClient, GetInvalidationCommand, ListInvalidationsCommand } from '@aws-sdk/client-cloudfront';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { BookingCancelledInput, BookingCreatedInput, BookingUpdatedInput, CalendarUpdated } from '@charter/events';
import type { FieldIssue } from '@charter/shared/errors';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { busEnvelope, httpApiEvent, lambdaContext as contextFor, type LocalCloud } from '@charter/local/testing';
import { bookingInput } from '@charter/local/fixtures';
import type { PublicCalendar } from '../src/domain/public-calendar';
import type { StoredEntry } from '../src/domain/booking-head';

/**
 * Helpers for the handler tests: events as API Gateway and EventBridge deliver them, the bodies
 * the routes answer, and readers of the bucket, the bus and CloudFront.
 */

/** A Lambda context for the calendar's functions, with the 30 s timeout of its publishing functions. */
export const lambdaContext = (name = 'charter-calendar-local-test') => contextFor(name, 30_000);

/** A dashboard request: JSON unless `rawBody` says otherwise, the route being the method and path. */
export function httpEvent(
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; query?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return httpApiEvent({
    method,
    route: `${method} ${path}`,
    path,
    headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
    query: options.query,
    body,
  });
}

/** POST /calendar/entries answers with the saved entry. */
export type SavedBody = { entry: StoredEntry; calendar_url: string };
/** GET /calendar/entries answers with the year's entries. */
export type ListedBody = { year: number; count: number; entries: StoredEntry[] };
/** A refusal, as the contract's JSON errors are written. */
export type RefusedBody = { error: string; message: string; fields: FieldIssue[] };

/** A route's JSON body, read as the route documents it. */
export const bodyOf = <T = unknown>(response: { body?: string }): T => JSON.parse(response.body ?? 'null') as T;

/** The CalendarUpdated events the local bus took, with their sources. */
export const calendarUpdates = (cloud: LocalCloud) =>
  cloud
    .published()
    .filter((event) => event['detail-type'] === 'CalendarUpdated')
    .map((event) => ({ source: event.source, detail: event.detail as CalendarUpdated }));

/** A BookingCreated envelope from the booking's partner, as the rule delivers it. */
export const bookingCreatedEvent = (detail: BookingCreatedInput, partner = detail.source) =>
  busEnvelope('BookingCreated', detail, `partner.${partner}`);

/** A BookingUpdated envelope from the booking's partner. */
export const bookingUpdatedEvent = (detail: BookingUpdatedInput, partner = detail.source) =>
  busEnvelope('BookingUpdated', detail, `partner.${partner}`);

/** A BookingCancelled envelope from the booking's partner. */
export const bookingCancelledEvent = (detail: BookingCancelledInput, partner = detail.source) =>
  busEnvelope('BookingCancelled', detail, `partner.${partner}`);

/** A partner's cancellation of a booking, as the bus intake forwards one. */
export const cancellation = (booking_id: string, revision: number, source = 'boatsetter'): BookingCancelledInput => ({
  schema_version: 1,
  booking_id,
  source,
  revision,
  cancelled_at: '2027-03-01T16:05:00Z',
  cancelled_by: 'weather',
  reason: 'Small craft advisory; refund of $960 issued.',
});

/** What a dead-lettered event leaves in the queue (Lambda's onFailure record shape). */
export interface DeadLetterRecord {
  requestPayload: { 'detail-type': string; source: string; detail: { booking_id: string; revision?: number } };
  responsePayload: { errorType: string; errorMessage: string };
}

/**
 * Every record in the dead-letter queue, read with the real SQS client. Each is received and left invisible for a
 * minute, so call it once per check with everything the check needs dead-lettered by then.
 */
export async function deadLetters(queueUrl: string): Promise<DeadLetterRecord[]> {
  const sqs = new SQSClient({});
  try {
    const records: DeadLetterRecord[] = [];
    for (;;) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
      );
      if (!Messages?.length) return records;
      records.push(...Messages.map((m) => JSON.parse(m.Body!) as DeadLetterRecord));
    }
  } finally {
    sqs.destroy();
  }
}

/** A full booking, with the personal data and money the calendar must never publish. */
export const booking = bookingInput;

/** Runs `task` with Date.now() `aheadMs` ahead (a scheduled sweep once the coalescing window has passed, say). */
export async function withClockAhead<T>(aheadMs: number, task: () => Promise<T>): Promise<T> {
  const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + aheadMs);
  try {
    return await task();
  } finally {
    clock.mockRestore();
  }
}

export interface PublicCalendarFile {
  body: string;
  cacheControl?: string;
  contentType?: string;
  calendar: PublicCalendar;
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
        return {
          body,
          cacheControl: object.CacheControl,
          contentType: object.ContentType,
          calendar: JSON.parse(body) as PublicCalendar,
        };
      } catch (error) {
        if ((error as Error).name === 'NoSuchKey') return undefined;
        const torn =
          error instanceof SyntaxError ||
          /aborted|ECONNRESET/.test(`${(error as Error).message} ${(error as { code?: string }).code}`);
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
  return {
    status: response.status,
    cache: response.headers.get('x-cache'),
    calendar: (await response.json()) as PublicCalendar,
  };
}

/** Every invalidation of the distribution (its paths and CallerReference), through the CloudFront API. */
export async function invalidations(
  distributionId: string,
): Promise<Array<{ paths: string[]; callerReference: string }>> {
  const cloudfront = new CloudFrontClient({});
  try {
    const list = await cloudfront.send(new ListInvalidationsCommand({ DistributionId: distributionId }));
    const found: Array<{ paths: string[]; callerReference: string }> = [];
    for (const summary of list.InvalidationList?.Items ?? []) {
      const { Invalidation } = await cloudfront.send(
        new GetInvalidationCommand({ DistributionId: distributionId, Id: summary.Id! }),
      );
      found.push({
        paths: Invalidation?.InvalidationBatch?.Paths?.Items ?? [],
        callerReference: Invalidation?.InvalidationBatch?.CallerReference ?? '',
      });
    }
    return found;
  } finally {
    cloudfront.destroy();
  }
}

/** The path of every invalidation of the distribution, one per path per invalidation. */
export const invalidatedPaths = async (distributionId: string) =>
  (await invalidations(distributionId)).flatMap((i) => i.paths);

/**
 * Runs tasks with at most `limit` in flight, like concurrent Lambda invocations. Every task runs
 * to its end before a failure is reported, so none is left talking to a stopped local cloud.
 */
export async function withConcurrency<T>(limit: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results = new Array<T>(tasks.length);
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
  if (errors.length > 0)
    throw new AggregateError(
      errors,
      `${errors.length} of ${tasks.length} tasks failed: ${(errors[0] as Error).message}`,
    );
  return results;
}
