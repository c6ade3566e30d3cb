import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type {
  BookingCancelledInput,
  BookingCreatedInput,
  BookingUpdatedInput,
  GuestPagePublished,
} from '@charter/events';
import type { HttpHandler, HttpResult } from '@charter/shared/http';
import { httpApiEvent, type LocalCloud } from '@charter/local/testing';
import { marinaDate } from '@charter/local/fixtures';
import type { EventBridgeEvent } from 'aws-lambda';
import { pageKey } from '../src/domain/slug';
import { mintUploadToken } from '../src/domain/upload-token';
import type { GuestPageItem } from '../src/domain/page-state';
import {
  SITE_BUCKET,
  TABLE,
  TINY_JPEG,
  bookingEnvelope,
  lambdaContext,
  startGuestPages,
  uploadConfigOf,
} from './support/harness';
import { sampleBooking } from './support/bookings';

/**
 * The booking lifecycle in guest-pages, through the local cloud with the real SDK: changes re-render the same slug
 * from the stored item, a cancellation turns the page into a cancelled notice and closes uploads, late and foreign
 * events change nothing, and concurrent deliveries in any order end where ordered ones do.
 */
type BusHandler = (
  event: EventBridgeEvent<string, unknown>,
  context: ReturnType<typeof lambdaContext>,
) => Promise<void>;
type Refusal = { error: string; message: string };
type DeadLetter = {
  requestPayload: { 'detail-type': string; source: string; detail: { booking_id: string } };
  responsePayload: { errorType: string; errorMessage: string };
};

let cloud: LocalCloud;
let uploadKey: string;
let serviceKey: string;
let s3: S3Client;
let sqs: SQSClient;
let dynamo: DynamoDBDocumentClient;
const h = {} as { onBookingEvent: BusHandler; presign: HttpHandler; getGuestPage: HttpHandler };

beforeAll(async () => {
  cloud = await startGuestPages();
  uploadKey = cloud.secrets['charter/local/guest-upload-key']!;
  serviceKey = cloud.secrets['charter/local/scc-service-key']!;
  s3 = new S3Client({ forcePathStyle: true });
  sqs = new SQSClient({});
  dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  h.onBookingEvent = (await import('../src/handlers/on-booking-event')).handler;
  h.presign = (await import('../src/handlers/presign')).handler;
  h.getGuestPage = (await import('../src/handlers/get-guest-page')).handler;
});
afterAll(async () => {
  s3?.destroy();
  sqs?.destroy();
  dynamo?.destroy();
  await cloud?.stop();
});

/** Boatsetter's sample booking on 2027-12-30, 10:00-13:00 at the marina, revision 1. */
const created = (bookingId: string, fields: Partial<BookingCreatedInput> = {}): BookingCreatedInput => ({
  ...sampleBooking(),
  booking_id: bookingId,
  charter_date: '2027-12-30',
  revision: 1,
  ...fields,
});
/** The whole booking as it stands after a change: moved to 2028-01-05, 14:00-17:30, six guests, another pier. */
const updated = (bookingId: string, fields: Partial<BookingUpdatedInput> = {}): BookingUpdatedInput => ({
  ...created(bookingId),
  charter_date: '2028-01-05',
  charter_start: '14:00',
  charter_end: '17:30',
  guest_count: 6,
  location: 'Harbor Island West Marina',
  revision: 2,
  ...fields,
});
const cancelled = (bookingId: string, fields: Partial<BookingCancelledInput> = {}): BookingCancelledInput => ({
  schema_version: 1,
  booking_id: bookingId,
  source: 'boatsetter',
  revision: 3,
  cancelled_at: '2027-12-01T17:45:00Z',
  cancelled_by: 'weather',
  reason: 'Small craft advisory; refund of $1,450 issued. Call Dana on +1 619 555 0142.',
  ...fields,
});

type Delivery = ['BookingCreated' | 'BookingUpdated' | 'BookingCancelled', { booking_id: string; source: string }];
const CREATE = (d: BookingCreatedInput): Delivery => ['BookingCreated', d];
const UPDATE = (d: BookingUpdatedInput): Delivery => ['BookingUpdated', d];
const CANCEL = (d: BookingCancelledInput): Delivery => ['BookingCancelled', d];
/** One delivery as the bus rule makes it; the bus source is the partner the detail names. */
const deliver = ([detailType, detail]: Delivery) =>
  h.onBookingEvent(bookingEnvelope(detail, `partner.${detail.source}`, detailType), lambdaContext());
const inOrder = async (...deliveries: Delivery[]) => {
  for (const delivery of deliveries) await deliver(delivery);
};
/** Each delivery three times, all at once, in the order given. */
const concurrently = (...deliveries: Delivery[]) => Promise.all(deliveries.flatMap((d) => [d, d, d]).map(deliver));

const published = (bookingId: string) =>
  cloud
    .published()
    .filter((e) => e['detail-type'] === 'GuestPagePublished')
    .map((e) => ({ source: e.source, detail: e.detail as GuestPagePublished }))
    .filter((e) => e.detail.booking_id === bookingId)
    .map((e) => e.detail);
const itemOf = async (bookingId: string) =>
  (await dynamo.send(new GetCommand({ TableName: TABLE, Key: { booking_id: bookingId }, ConsistentRead: true })))
    .Item as GuestPageItem | undefined;
const pageKeys = async () =>
  ((await s3.send(new ListObjectsV2Command({ Bucket: SITE_BUCKET, Prefix: 'g/' }))).Contents ?? []).map((o) => o.Key!);
const pageOf = async (slug: string) =>
  (await s3.send(new GetObjectCommand({ Bucket: SITE_BUCKET, Key: pageKey(slug) }))).Body!.transformToString();
/** The page as the guest's phone gets it: through the local CloudFront, at /g/<slug>. */
const servedPage = async (url: string) => {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.text();
};
const bodyOf = <T = Refusal>(result: HttpResult) => JSON.parse(String(result.body)) as T;
const presign = (bookingId: string, token = mintUploadToken(uploadKey, bookingId)) =>
  h.presign(
    httpApiEvent({
      method: 'POST',
      route: 'POST /g/presign',
      path: '/g/presign',
      headers: { 'content-type': 'application/json', 'x-upload-token': token },
      body: JSON.stringify({
        booking_id: bookingId,
        file_name: 'deck.jpg',
        file_size: TINY_JPEG.length,
        mime_type: 'image/jpeg',
      }),
    }),
    lambdaContext(),
  );
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
/** A page with its booking's id and upload token taken out, to compare two bookings' pages. */
const normalised = (page: string, bookingId: string) =>
  page.replaceAll(mintUploadToken(uploadKey, bookingId), '<token>').replaceAll(bookingId, '<booking>');
/** The item's state, without what differs between two bookings by construction. */
/** The item but what differs between two bookings by id (the content hash covers the booking id too). */
const stateOf = (item: GuestPageItem | undefined) => {
  const {
    booking_id: _id,
    slug: _slug,
    created_at: _created,
    updated_at: _updated,
    content_hash: _hash,
    ...state
  } = item ?? {};
  return state;
};
/** Every dead letter of the service's queue, read with the real SQS client. */
async function deadLetters(): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: process.env.DLQ_URL, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    const fresh = Messages.map((m) => JSON.parse(m.Body!) as DeadLetter);
    letters.push(...fresh);
    if (Messages.length < 10) return letters;
  }
}

describe('a change', () => {
  it('moves the page from 2027-12-30 to 2028-01-05 under its slug: times, guests, pier, upload window', async () => {
    const before = await pageKeys();
    await deliver(CREATE(created('gp-move-1')));
    const [first] = published('gp-move-1');
    const firstPage = await servedPage(first!.url);
    expect(firstPage).toContain('Thursday, December 30, 2027');
    expect(uploadConfigOf(firstPage).closesAt).toBe('2027-12-31T21:00:00.000Z');

    await deliver(UPDATE(updated('gp-move-1')));
    const events = published('gp-move-1');
    expect(events.map((e) => [e.slug, e.revision, e.status])).toEqual([
      [first!.slug, 1, 'live'],
      [first!.slug, 2, 'live'],
    ]);
    // Read at the origin: the distribution serves its copy for up to a minute (PAGE_CACHE_CONTROL), by design.
    const page = await pageOf(first!.slug);
    expect(page).toContain('<dd id="charter-date">Wednesday, January 5, 2028</dd>');
    expect(page).toContain('<dd id="charter-time">2:00\u00a0PM – 5:30\u00a0PM\u00a0PST</dd>');
    expect(page).toContain('<dd id="charter-guests">6 guests</dd>');
    expect(page).toContain('<dd id="charter-location">Harbor Island West Marina</dd>');
    expect(page).toContain('Uploads stay open until 5:30 PM PST on Thursday, January 6, 2028.');
    expect(page).not.toContain('December 30');
    // The widget's window and presign's both follow the new date: from midnight PST on January 4 (08:00 UTC) until a
    // day after the new end (17:30 PST is 01:30 UTC the next day).
    expect(uploadConfigOf(page)).toMatchObject({
      opensAt: '2028-01-04T08:00:00.000Z',
      closesAt: '2028-01-07T01:30:00.000Z',
    });
    const answer = await presign('gp-move-1', uploadConfigOf(page).uploadToken);
    expect(answer.statusCode).toBe(409);
    expect(bodyOf(answer)).toEqual({
      error: 'uploads_not_open',
      message: expect.stringContaining('2028-01-04T08:00:00.000Z') as unknown,
    });
    // One page object for the booking, however often it changed.
    expect((await pageKeys()).filter((key) => !before.includes(key))).toEqual([pageKey(first!.slug)]);
    expect(await itemOf('gp-move-1')).toMatchObject({ revision: 2, lifecycle: 'live', charter_date: '2028-01-05' });
  });

  it("keeps every revision's amounts: an update without them cannot show the first's in its location", async () => {
    const money = { revenue_cents: 145_000, captain_fee_cents: 30_000 };
    await deliver(CREATE(created('gp-money-1', { ...money, location: 'Shelter Island' })));
    const { revenue_cents: _r, captain_fee_cents: _c, ...withoutAmounts } = updated('gp-money-1');
    await deliver(UPDATE({ ...withoutAmounts, location: 'Shelter Island, charter was 1450, skipper 300' }));
    const [first] = published('gp-money-1');
    const page = await pageOf(first!.slug);
    expect(page).toContain('<dd id="charter-location">Shelter Island</dd>');
    expect(page).not.toMatch(/1450|1,450|skipper|charter was/);
    // Kept server-side as one string set, every revision's: the update added nothing, and took nothing away.
    expect((await itemOf('gp-money-1'))!.redaction).toEqual(
      new Set(['amount:145000/30000', `email:${sampleBooking().guest.email}`, `phone:${sampleBooking().guest.phone}`]),
    );
  });

  it('closes uploads when a change moves the charter into the past (the window follows the end)', async () => {
    await deliver(CREATE(created('gp-earlier-1', { charter_date: marinaDate(1) })));
    expect((await presign('gp-earlier-1')).statusCode).toBe(200);
    // Two days ago: its end and the day of grace after it have both passed.
    await deliver(UPDATE(updated('gp-earlier-1', { charter_date: marinaDate(-2) })));
    const result = await presign('gp-earlier-1');
    expect(result.statusCode).toBe(409);
    expect(bodyOf(result).error).toBe('uploads_closed');
  });

  it('ignores an older revision that arrives late: the page and the item stay on the newer one', async () => {
    await inOrder(CREATE(created('gp-late-1')), UPDATE(updated('gp-late-1', { revision: 3 })));
    const { slug } = published('gp-late-1')[0]!;
    const [item, page, count] = [await itemOf('gp-late-1'), await pageOf(slug), published('gp-late-1').length];
    await deliver(UPDATE(updated('gp-late-1', { revision: 2, guest_count: 9 })));
    await deliver(CREATE(created('gp-late-1')));
    expect(await itemOf('gp-late-1')).toEqual(item);
    expect(await pageOf(slug)).toBe(page);
    expect(published('gp-late-1')).toHaveLength(count);
  });
});

describe('the page follows the stored head, not the event', () => {
  it('a slow delivery of an older revision renders again from the newer head after its put', async () => {
    await deliver(CREATE(created('gp-slow-1')));
    const atRevision1 = (await itemOf('gp-slow-1'))!;
    await deliver(UPDATE(updated('gp-slow-1')));
    const { slug } = published('gp-slow-1')[0]!;
    const newest = await pageOf(slug);

    // The create's handler, had it been slow: it applied revision 1 and only now renders and puts that head.
    const { publishPageFromHead } = await import('../src/publish-page');
    const result = await publishPageFromHead('gp-slow-1', atRevision1);
    expect(result).toMatchObject({ kind: 'published', revision: 2, status: 'live', rounds: 2 });
    expect(await pageOf(slug)).toBe(newest);
    expect(published('gp-slow-1').at(-1)).toMatchObject({ revision: 2, status: 'live' });
  });
});

describe('a cancellation', () => {
  it('re-renders the same slug as a cancelled notice with no widget, and presign answers 410', async () => {
    await deliver(CREATE(created('gp-cancel-1', { charter_date: marinaDate(1) })));
    const [live] = published('gp-cancel-1');
    const token = uploadConfigOf(await servedPage(live!.url)).uploadToken;
    expect((await presign('gp-cancel-1', token)).statusCode).toBe(200);

    await deliver(CANCEL(cancelled('gp-cancel-1', { revision: 2 })));
    const events = published('gp-cancel-1');
    expect(events.map((e) => [e.slug, e.revision, e.status])).toEqual([
      [live!.slug, 1, 'live'],
      [live!.slug, 2, 'cancelled'],
    ]);
    expect(events[1]!.url).toBe(live!.url);
    const page = await pageOf(live!.slug);
    expect(page).toContain('<h2 id="cancellation-heading">This charter was cancelled</h2>');
    // 17:45 UTC on December 1 is 9:45 AM in San Diego (PST).
    expect(page).toContain('It was cancelled on Wednesday, December 1, 2027 at 9:45 AM PST.');
    expect(page).not.toMatch(/id="(photo-input|uploads-open|upload-config)"|<script|<input/);
    // The partner's reason is free text for its records (here: money and a phone number): never on the page.
    expect(page).not.toMatch(/Small craft|refund|\$|1,450|555|weather/i);

    const refused = await presign('gp-cancel-1', token);
    expect(refused.statusCode).toBe(410);
    expect(bodyOf(refused)).toEqual({ error: 'cancelled', message: expect.stringContaining('cancelled') as unknown });
    const link = await operator('gp-cancel-1');
    expect(link.statusCode).toBe(200);
    expect(bodyOf<{ status: string; revision: number }>(link)).toMatchObject({ status: 'cancelled', revision: 2 });
  });

  it('answers presign 410 before any window check: cancelled and ended is 410, not 409', async () => {
    await inOrder(
      CREATE(created('gp-cancel-past-1', { charter_date: marinaDate(-3) })),
      CANCEL(cancelled('gp-cancel-past-1', { revision: 2 })),
    );
    expect((await presign('gp-cancel-past-1')).statusCode).toBe(410);
  });

  it('leaves nothing for a redelivered BookingCreated (rev 1) or BookingUpdated (rev 2) to change', async () => {
    await inOrder(CREATE(created('gp-after-1')), UPDATE(updated('gp-after-1')), CANCEL(cancelled('gp-after-1')));
    const { slug } = published('gp-after-1')[0]!;
    const [item, page, count] = [await itemOf('gp-after-1'), await pageOf(slug), published('gp-after-1').length];
    expect(item).toMatchObject({ revision: 3, lifecycle: 'cancelled', charter_date: '2028-01-05' });

    await deliver(CREATE(created('gp-after-1')));
    await deliver(UPDATE(updated('gp-after-1')));
    await deliver(UPDATE(updated('gp-after-1', { revision: 4, guest_count: 12 })));
    expect(await pageOf(slug)).toBe(page);
    expect(await itemOf('gp-after-1')).toEqual(item);
    expect(published('gp-after-1')).toHaveLength(count);

    // The cancellation itself again (a redelivery): the same page is put and the same event published again.
    await deliver(CANCEL(cancelled('gp-after-1')));
    expect(await pageOf(slug)).toBe(page);
    const events = published('gp-after-1');
    expect(events).toHaveLength(count + 1);
    expect(events.at(-1)).toEqual(events.at(-2));
  });

  it('puts the cancelled page back when a late put of the live page landed over it (chaos run)', async () => {
    // The create's PutObject lost its answer, and the SDK's retry of it landed after the cancellation's page; then
    // that invocation failed. Lambda's retry of the create is refused (cancelled), and puts the head's page back.
    await inOrder(CREATE(created('gp-late-put-1')), CANCEL(cancelled('gp-late-put-1', { revision: 2 })));
    const { slug } = published('gp-late-put-1')[0]!;
    const cancelledPage = await pageOf(slug);
    const count = published('gp-late-put-1').length;
    await s3.send(
      new PutObjectCommand({
        Bucket: SITE_BUCKET,
        Key: pageKey(slug),
        Body: '<h1>the live page, late</h1>',
        ContentType: 'text/html; charset=utf-8',
      }),
    );
    await deliver(CREATE(created('gp-late-put-1')));
    expect(await pageOf(slug)).toBe(cancelledPage);
    // Nothing new to announce: the head's GuestPagePublished went out with the cancellation.
    expect(published('gp-late-put-1')).toHaveLength(count);
  });

  it('leaves a tombstone when it comes first: no page is ever made, and the operator route answers 410', async () => {
    const before = await pageKeys();
    await inOrder(
      CANCEL(cancelled('gp-tomb-1', { revision: 1 })),
      CREATE(created('gp-tomb-1')),
      UPDATE(updated('gp-tomb-1')),
    );
    expect(await pageKeys()).toEqual(before);
    expect(published('gp-tomb-1')).toEqual([]);
    const item = await itemOf('gp-tomb-1');
    expect(item).toMatchObject({ owner: 'boatsetter', revision: 1, lifecycle: 'cancelled' });
    expect(item!.slug).toBeUndefined();
    const link = await operator('gp-tomb-1');
    expect(link.statusCode).toBe(410);
    expect(bodyOf(link).error).toBe('cancelled');
    expect((await presign('gp-tomb-1')).statusCode).toBe(410);
  });
});

describe('concurrent deliveries in reversed order', () => {
  it('update before create, each three times at once: the same page and item as in order', async () => {
    await inOrder(CREATE(created('gp-order-a')), UPDATE(updated('gp-order-a')));
    await concurrently(UPDATE(updated('gp-order-b')), CREATE(created('gp-order-b')));

    const [a, b] = [await itemOf('gp-order-a'), await itemOf('gp-order-b')];
    expect(stateOf(b)).toEqual(stateOf(a));
    expect(b).toMatchObject({ revision: 2, lifecycle: 'live', charter_date: '2028-01-05' });
    const events = published('gp-order-b');
    expect(new Set(events.map((e) => e.slug))).toEqual(new Set([b!.slug]));
    // The newest revision published is the update's (a create that won the race may have published revision 1 first;
    // consumers order GuestPagePublished by its revision, not by arrival).
    expect(Math.max(...events.map((e) => e.revision))).toBe(2);
    expect(events.filter((e) => e.revision === 2).length).toBeGreaterThanOrEqual(3);
    expect(normalised(await pageOf(b!.slug!), 'gp-order-b')).toBe(normalised(await pageOf(a!.slug!), 'gp-order-a'));
  });

  it('cancel before update before create, three times each at once: cancelled as in order, no live page', async () => {
    await inOrder(CREATE(created('gp-order-c')), UPDATE(updated('gp-order-c')), CANCEL(cancelled('gp-order-c')));
    await concurrently(CANCEL(cancelled('gp-order-d')), UPDATE(updated('gp-order-d')), CREATE(created('gp-order-d')));

    const [c, d] = [await itemOf('gp-order-c'), await itemOf('gp-order-d')];
    // The head is the same whatever the order: the partner's, revision 3, cancelled at the same instant.
    for (const item of [c, d]) {
      expect(item).toMatchObject({
        owner: 'boatsetter',
        revision: 3,
        lifecycle: 'cancelled',
        cancelled_at: '2027-12-01T17:45:00Z',
      });
    }
    expect((await presign('gp-order-d')).statusCode).toBe(410);
    // What the guest can reach: nothing at all if the cancellation landed first (a tombstone), or else a page that
    // says cancelled; never a live page, and the last event says cancelled.
    const events = published('gp-order-d');
    if (d!.slug) {
      const page = await pageOf(d!.slug);
      expect(page).toContain('This charter was cancelled');
      expect(page).not.toContain('id="upload-config"');
      expect(events.at(-1)).toMatchObject({ revision: 3, status: 'cancelled', slug: d!.slug });
    } else {
      expect(events).toEqual([]);
      expect((await operator('gp-order-d')).statusCode).toBe(410);
    }
  });

  it('cancel first, then update and create three times each at once: a tombstone, as in that order', async () => {
    const before = await pageKeys();
    await deliver(CANCEL(cancelled('gp-order-e')));
    await concurrently(UPDATE(updated('gp-order-e')), CREATE(created('gp-order-e')));
    await inOrder(CANCEL(cancelled('gp-order-f')), UPDATE(updated('gp-order-f')), CREATE(created('gp-order-f')));
    expect(stateOf(await itemOf('gp-order-e'))).toEqual(stateOf(await itemOf('gp-order-f')));
    expect(await pageKeys()).toEqual(before);
    expect([...published('gp-order-e'), ...published('gp-order-f')]).toEqual([]);
  });
});

describe('another partner’s events for an owned booking', () => {
  it('change nothing and are dead-lettered with reason not_owner', async () => {
    await deliver(CREATE(created('gp-owned-1', { charter_date: marinaDate(1) })));
    const { slug } = published('gp-owned-1')[0]!;
    const [item, page, count] = [await itemOf('gp-owned-1'), await pageOf(slug), published('gp-owned-1').length];

    // GetMyBoat reuses the Boatsetter booking id (ids are public in the calendar JSON): a move, then a cancellation.
    await deliver(UPDATE(updated('gp-owned-1', { source: 'getmyboat', revision: 7, charter_date: '2028-02-09' })));
    await deliver(CANCEL(cancelled('gp-owned-1', { source: 'getmyboat', revision: 8 })));

    expect(await itemOf('gp-owned-1')).toEqual(item);
    expect(await pageOf(slug)).toBe(page);
    expect(published('gp-owned-1')).toHaveLength(count);
    expect((await presign('gp-owned-1')).statusCode).toBe(200);

    const letters = (await deadLetters()).filter((l) => l.requestPayload.detail.booking_id === 'gp-owned-1');
    expect(
      letters.map((l) => [l.requestPayload['detail-type'], l.requestPayload.source, l.responsePayload.errorType]),
    ).toEqual([
      ['BookingUpdated', 'partner.getmyboat', 'NotOwnerError'],
      ['BookingCancelled', 'partner.getmyboat', 'NotOwnerError'],
    ]);
    for (const letter of letters) {
      expect(letter.responsePayload.errorMessage).toBe(
        'not_owner: booking gp-owned-1 belongs to boatsetter; an event from getmyboat cannot change it',
      );
    }
  });
});
