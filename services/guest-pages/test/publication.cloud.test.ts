import type { BookingCreatedInput } from '@charter/events';
import type { HttpHandler, HttpResult } from '@charter/shared/http';
import type { EventBridgeEvent } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { httpApiEvent, startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { marinaDate } from '@charter/local/fixtures';
import { FUNCTIONS, TABLE, bookingEnvelope, lambdaContext } from './support/harness';
import { sampleBooking } from './support/bookings';

/**
 * Hole 2 of issue 14: the operator's route handed out a guest page before it existed. The item is written before the
 * page (an S3 put cannot join a DynamoDB write), and while the put failed the route answered 200 with a link that
 * CloudFront answered 403, and kept answering 403 for 10 s after the page landed. Here S3 refuses every data-plane
 * request (the local cloud's `s3=1` fault, SlowDown on the wire) until the test lifts it, as S3 recovering would.
 */
type BusHandler = (
  event: EventBridgeEvent<string, unknown>,
  context: ReturnType<typeof lambdaContext>,
) => Promise<void>;

let cloud: LocalCloud;
let serviceKey: string;
let dynamo: DynamoDBDocumentClient;
const h = {} as { onBookingEvent: BusHandler; getGuestPage: HttpHandler };

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['guest-pages', 'scc'], run: false, faults: { s3: 1, seed: 14 } });
  for (const fn of FUNCTIONS) Object.assign(process.env, cloud.functionEnv('guest-pages', fn));
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  serviceKey = cloud.secrets['charter/local/scc-service-key']!;
  dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  h.onBookingEvent = (await import('../src/handlers/on-booking-event')).handler;
  h.getGuestPage = (await import('../src/handlers/get-guest-page')).handler;
});
afterAll(async () => {
  dynamo?.destroy();
  await cloud?.stop();
});

const booking = (bookingId: string): BookingCreatedInput => ({
  ...sampleBooking(),
  booking_id: bookingId,
  charter_date: marinaDate(1),
});
const operator = (bookingId: string) =>
  h.getGuestPage(
    httpApiEvent({
      method: 'GET',
      route: 'GET /bookings/{booking_id}/guest-page',
      path: `/bookings/${bookingId}/guest-page`,
      pathParameters: { booking_id: bookingId },
      headers: { 'x-service-key': serviceKey },
    }),
    lambdaContext(),
  );
const bodyOf = <T = Record<string, unknown>>(result: HttpResult) => JSON.parse(String(result.body)) as T;

describe('GET /bookings/{booking_id}/guest-page while S3 refuses the page', () => {
  it('answers 404 not_published until the page is stored, then the link; CloudFront keeps no 403', async () => {
    const id = 'gp-put-refused';
    // S3 answers SlowDown to the page put and to the SDK's retries of it: the invocation fails after writing the item.
    await expect(h.onBookingEvent(bookingEnvelope(booking(id)), lambdaContext())).rejects.toThrow(/SlowDown|reduce/);
    expect(cloud.faults.injected()['s3:SlowDown'] ?? 0).toBeGreaterThan(0);
    const { Item: item } = await dynamo.send(new GetCommand({ TableName: TABLE, Key: { booking_id: id } }));
    expect(item?.slug).toEqual(expect.any(String));
    expect(item?.page_stored).toBeUndefined();

    const early = await operator(id);
    expect(early.statusCode).toBe(404);
    expect(bodyOf(early)).toMatchObject({ error: 'not_published' });
    // Whoever opens the link now meets CloudFront's 403 (the key is not in the bucket).
    const link = `${cloud.endpoints.guestSite}/g/${String(item!.slug)}`;
    expect((await fetch(link)).status).toBe(403);

    // S3 is back; Lambda's retry of the event stores the page.
    cloud.faults.options.s3 = 0;
    await h.onBookingEvent(bookingEnvelope(booking(id)), lambdaContext());
    const later = await operator(id);
    expect(later.statusCode).toBe(200);
    const slug = String(item!.slug);
    expect(bodyOf(later)).toEqual({ booking_id: id, slug, url: link, revision: 1, status: 'live' });
    // At once, not 10 s later: the distribution caches no 403 (ErrorCachingMinTTL 0 in its CloudFormation).
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>JADA</h1>');
  });
});
