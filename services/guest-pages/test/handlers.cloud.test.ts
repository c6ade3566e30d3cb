import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { BookingCreatedInput, GuestPagePublished } from '@charter/events';
import type { HttpHandler, HttpResult } from '@charter/shared/http';
import type { EventBridgeEvent } from 'aws-lambda';
import { httpApiEvent, type LocalCloud } from '@charter/local/testing';
import { marinaDate } from '@charter/local/fixtures';
import { pageKey } from '../src/domain/slug';
import { mintUploadToken, verifyUploadToken } from '../src/domain/upload-token';
import { MAX_IMAGE_BYTES } from '../src/domain/uploads';
import { PAGE_CACHE_CONTROL } from '../src/store';
import {
  SITE_BUCKET,
  TABLE,
  TINY_JPEG,
  UPLOADS_BUCKET,
  bookingEnvelope,
  lambdaContext,
  startGuestPages,
  uploadConfigOf,
} from './support/harness';
import { sampleBooking } from './support/bookings';

type BusHandler = (
  event: EventBridgeEvent<string, unknown>,
  context: ReturnType<typeof lambdaContext>,
) => Promise<void>;

let cloud: LocalCloud;
let uploadKey: string;
let serviceKey: string;
let s3: S3Client;
let dynamo: DynamoDBDocumentClient;
const h = {} as { onBookingEvent: BusHandler; presign: HttpHandler; getGuestPage: HttpHandler };

beforeAll(async () => {
  cloud = await startGuestPages();
  uploadKey = cloud.secrets['charter/local/guest-upload-key']!;
  serviceKey = cloud.secrets['charter/local/scc-service-key']!;
  s3 = new S3Client({ forcePathStyle: true });
  dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  h.onBookingEvent = (await import('../src/handlers/on-booking-event')).handler;
  h.presign = (await import('../src/handlers/presign')).handler;
  h.getGuestPage = (await import('../src/handlers/get-guest-page')).handler;
});
afterAll(async () => {
  s3?.destroy();
  dynamo?.destroy();
  await cloud?.stop();
});

type Refusal = { error: string; message: string; fields?: Array<{ path: string; message: string }> };
type PresignAnswer = {
  url: string;
  fields: Record<string, string>;
  key: string;
  max_bytes: number;
  expires_in: number;
  uploads_close_at: string;
};
type GuestPageLink = { booking_id: string; slug: string; url: string; revision: number; status: string };
/** The record Lambda's onFailure destination (and busHandler's dead-lettering) writes. */
type DeadLetter = {
  requestPayload: { detail: { booking_id: string } };
  responsePayload: { errorMessage: string };
};

/** The JSON body of an answer: a refusal unless the caller names what it expects. */
const bodyOf = <T = Refusal>(result: HttpResult) => JSON.parse(String(result.body)) as T;
/** A booking for a charter tomorrow at the marina (uploads open), with a unique id. */
const upcoming = (bookingId: string, overrides: Partial<BookingCreatedInput> = {}): BookingCreatedInput => ({
  ...sampleBooking(),
  booking_id: bookingId,
  charter_date: marinaDate(1),
  ...overrides,
});
const deliver = (detail: BookingCreatedInput) => h.onBookingEvent(bookingEnvelope(detail), lambdaContext());
const publishedPages = (bookingId: string) =>
  cloud
    .published()
    .filter((e) => e['detail-type'] === 'GuestPagePublished')
    .map((e) => ({ source: e.source, detail: e.detail as GuestPagePublished }))
    .filter((e) => e.detail.booking_id === bookingId);
const recordOf = async (bookingId: string) =>
  (await dynamo.send(new GetCommand({ TableName: TABLE, Key: { booking_id: bookingId } }))).Item;
const pageKeys = async () =>
  ((await s3.send(new ListObjectsV2Command({ Bucket: SITE_BUCKET, Prefix: 'g/' }))).Contents ?? []).map((o) => o.Key!);
async function storedPage(slug: string) {
  const object = await s3.send(new GetObjectCommand({ Bucket: SITE_BUCKET, Key: pageKey(slug) }));
  return {
    contentType: object.ContentType,
    cacheControl: object.CacheControl,
    body: await object.Body!.transformToString(),
  };
}
const presign = (body: unknown, headers: Record<string, string> = {}) =>
  h.presign(
    httpApiEvent({
      method: 'POST',
      route: 'POST /g/presign',
      path: '/g/presign',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
    lambdaContext(),
  );
const operator = (bookingId: string, headers: Record<string, string> = {}) =>
  h.getGuestPage(
    httpApiEvent({
      method: 'GET',
      route: 'GET /bookings/{booking_id}/guest-page',
      path: `/bookings/${bookingId}/guest-page`,
      pathParameters: { booking_id: bookingId },
      headers,
    }),
    lambdaContext(),
  );

describe('onBookingEvent: BookingCreated', () => {
  it('stores the page at g/<slug>.html with a short revalidating cache, and publishes GuestPagePublished', async () => {
    await deliver(upcoming('gp-first-1'));
    const [event] = publishedPages('gp-first-1');
    expect(event!.source).toBe('charter.guest-pages');
    const { slug, url } = event!.detail;
    expect(slug).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(url).toBe(`${cloud.endpoints.guestSite}/g/${slug}`);
    expect(event!.detail).toEqual({
      schema_version: 1,
      booking_id: 'gp-first-1',
      revision: 1,
      status: 'live',
      slug,
      url,
    });

    const page = await storedPage(slug);
    expect(page.contentType).toBe('text/html; charset=utf-8');
    expect(page.cacheControl).toBe(PAGE_CACHE_CONTROL);
    expect(page.body).toContain('<h1>JADA</h1>');
    // The page talks to this stage's API and S3 endpoint, and nothing else.
    expect(page.body).toContain(`connect-src ${cloud.endpoints.api} ${cloud.endpoints.s3};`);
    const config = uploadConfigOf(page.body);
    expect(config.presignUrl).toBe(`${cloud.endpoints.api}/g/presign`);
    expect(verifyUploadToken([uploadKey], 'gp-first-1', config.uploadToken)).toBe(true);
  });

  it('keeps what the page shows and its head; guest contacts and money only in redaction, to scrub', async () => {
    await deliver(upcoming('gp-private-1'));
    // The booking's amounts and guest contacts are kept in `redaction` alone, to scrub against; never shown.
    const { redaction, ...record } = (await recordOf('gp-private-1'))!;
    expect([...(redaction as Set<string>)].sort()).toEqual([
      'amount:145000/30000',
      'email:dana.whitfield@example.com',
      'phone:+1 619 555 0142',
    ]);
    expect(Object.keys(record).sort()).toEqual([
      'booking_id',
      'charter_date',
      'charter_end',
      'charter_start',
      'content_hash',
      'created_at',
      'guest_count',
      'guest_first_name',
      'lifecycle',
      'location',
      'owner',
      'page_stored',
      'records_page_stored',
      'revision',
      'slug',
      'timezone',
      'updated_at',
      'vessel',
    ]);
    expect(record).toMatchObject({ guest_first_name: 'Dana', owner: 'boatsetter', revision: 1, lifecycle: 'live' });
    expect(JSON.stringify(record)).not.toMatch(/Whitfield|dana\.whitfield|555|cake|1450|145000|30000/);
  });

  it('serves the page through the local CloudFront at /g/<slug> (the rewrite) with its headers', async () => {
    await deliver(upcoming('gp-served-1'));
    const { slug, url } = publishedPages('gp-served-1')[0]!.detail;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe(PAGE_CACHE_CONTROL);
    expect(await response.text()).toBe((await storedPage(slug)).body);
    expect((await fetch(`${url}/`)).status).toBe(200);
  });

  it('keeps one slug and one page object when BookingCreated arrives twice', async () => {
    const before = await pageKeys();
    await deliver(upcoming('gp-twice-1'));
    const firstPage = await storedPage(publishedPages('gp-twice-1')[0]!.detail.slug);
    await deliver(upcoming('gp-twice-1'));

    const events = publishedPages('gp-twice-1');
    expect(events).toHaveLength(2);
    expect(events[1]!.detail).toEqual(events[0]!.detail);
    const slug = events[0]!.detail.slug;
    expect((await recordOf('gp-twice-1'))!.slug).toBe(slug);
    const added = (await pageKeys()).filter((key) => !before.includes(key));
    expect(added).toEqual([pageKey(slug)]);
    expect((await storedPage(slug)).body).toBe(firstPage.body);
  });

  it('refuses a BookingCreated of the same revision with other times (revision_conflict): nothing moves', async () => {
    await deliver(upcoming('gp-moved-1'));
    const firstPage = (await storedPage(publishedPages('gp-moved-1')[0]!.detail.slug)).body;
    // Dead-lettered by busHandler (a PermanentFailure), so the delivery itself resolves.
    await deliver(upcoming('gp-moved-1', { charter_start: '14:00', charter_end: '17:30' }));
    const [first, ...more] = publishedPages('gp-moved-1');
    expect(more).toEqual([]);
    expect(await recordOf('gp-moved-1')).toMatchObject({ charter_start: '10:00', charter_end: '13:00' });
    // A change is a BookingUpdated with a higher revision (lifecycle.cloud.test.ts).
    expect((await storedPage(first!.detail.slug)).body).toBe(firstPage);
  });

  it('keeps slugs apart: two bookings get two different pages', async () => {
    await deliver(upcoming('gp-a-1'));
    await deliver(upcoming('gp-b-1'));
    expect(publishedPages('gp-a-1')[0]!.detail.slug).not.toBe(publishedPages('gp-b-1')[0]!.detail.slug);
  });

  it('dead-letters a booking that can never be rendered, and makes no page', async () => {
    const dlq = process.env.DLQ_URL!;
    const before = await pageKeys();
    const { vessel: _dropped, ...withoutVessel } = upcoming('gp-broken-1');
    await deliver(withoutVessel as BookingCreatedInput);
    const letters = cloud.sqs
      .receive({ QueueUrl: dlq, MaxNumberOfMessages: 10 })
      .Messages.map((m) => JSON.parse(m.Body) as DeadLetter);
    expect(
      letters.some(
        (l) => l.requestPayload.detail.booking_id === 'gp-broken-1' && /vessel/.test(l.responsePayload.errorMessage),
      ),
    ).toBe(true);
    expect(await pageKeys()).toEqual(before);
    expect(publishedPages('gp-broken-1')).toHaveLength(0);
  });
});

describe('POST /g/presign', () => {
  let token: string;
  beforeAll(async () => {
    await deliver(upcoming('gp-upload-1'));
    const slug = publishedPages('gp-upload-1')[0]!.detail.slug;
    token = uploadConfigOf((await storedPage(slug)).body).uploadToken;
  });
  const photo = (overrides: Record<string, unknown> = {}) => ({
    booking_id: 'gp-upload-1',
    file_name: '../../Sunset over Point Loma.jpg',
    file_size: TINY_JPEG.length,
    mime_type: 'image/jpeg',
    ...overrides,
  });

  it('answers a presigned POST that really uploads the file under the booking’s prefix', async () => {
    const result = await presign(photo(), { 'x-upload-token': token });
    expect(result.statusCode).toBe(200);
    const answer = bodyOf<PresignAnswer>(result);
    expect(answer.key).toMatch(/^uploads\/gp-upload-1\/[0-9a-f]{16}-Sunset-over-Point-Loma\.jpg$/);
    expect(answer.url).toBe(`${cloud.endpoints.s3}/${UPLOADS_BUCKET}`);
    expect(answer.fields).toMatchObject({ key: answer.key, 'Content-Type': 'image/jpeg' });
    expect(answer).toMatchObject({ max_bytes: MAX_IMAGE_BYTES, expires_in: 600 });

    // What the page's script does: the fields, then the file, as multipart/form-data.
    const form = new FormData();
    for (const [name, value] of Object.entries(answer.fields)) form.append(name, value);
    form.append('file', new Blob([TINY_JPEG], { type: 'image/jpeg' }), 'Sunset over Point Loma.jpg');
    const upload = await fetch(answer.url, { method: 'POST', body: form });
    expect(upload.status).toBeGreaterThanOrEqual(200);
    expect(upload.status).toBeLessThan(300);

    const stored = await s3.send(new GetObjectCommand({ Bucket: UPLOADS_BUCKET, Key: answer.key }));
    expect(stored.ContentType).toBe('image/jpeg');
    expect(Buffer.from(await stored.Body!.transformToByteArray())).toEqual(TINY_JPEG);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: UPLOADS_BUCKET, Prefix: 'uploads/gp-upload-1/' }));
    expect(listed.Contents?.map((o) => o.Key)).toContain(answer.key);
  });

  it('lets only the guest site post to the uploads bucket from a browser (its CORS rule)', async () => {
    const preflight = (origin: string) =>
      fetch(`${cloud.endpoints.s3}/${UPLOADS_BUCKET}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const fromGuestSite = await preflight(new URL(cloud.endpoints.guestSite).origin);
    expect(fromGuestSite.status).toBe(200);
    expect(fromGuestSite.headers.get('access-control-allow-origin')).not.toBeNull();
    const fromElsewhere = await preflight('https://elsewhere.example.com');
    expect(fromElsewhere.status).toBe(403);
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
    // A header the page never sends is not allowed either.
    const withOtherHeader = await fetch(`${cloud.endpoints.s3}/${UPLOADS_BUCKET}`, {
      method: 'OPTIONS',
      headers: {
        origin: new URL(cloud.endpoints.guestSite).origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-anything',
      },
    });
    expect(withOtherHeader.status).toBe(403);
  });

  it('401 without a token', async () => {
    const result = await presign(photo());
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result)).toEqual({ error: 'missing_token', message: expect.any(String) as unknown });
  });

  it('403 with a token for another booking', async () => {
    const result = await presign(photo(), { 'x-upload-token': mintUploadToken(uploadKey, 'someone-else') });
    expect(result.statusCode).toBe(403);
    expect(bodyOf(result).error).toBe('invalid_token');
  });

  it('403 with a forged token, before revealing whether the booking exists', async () => {
    const forged = mintUploadToken('not-the-key', 'no-such-booking');
    const result = await presign(photo({ booking_id: 'no-such-booking' }), { 'x-upload-token': forged });
    expect(result.statusCode).toBe(403);
  });

  it('404 for a booking with no guest page', async () => {
    const result = await presign(photo({ booking_id: 'never-delivered' }), {
      'x-upload-token': mintUploadToken(uploadKey, 'never-delivered'),
    });
    expect(result.statusCode).toBe(404);
    expect(bodyOf(result).error).toBe('unknown_booking');
  });

  it('409 once the charter has ended at the marina', async () => {
    await deliver(upcoming('gp-past-1', { charter_date: marinaDate(-2) }));
    const result = await presign(photo({ booking_id: 'gp-past-1' }), {
      'x-upload-token': mintUploadToken(uploadKey, 'gp-past-1'),
    });
    expect(result.statusCode).toBe(409);
    expect(bodyOf(result)).toEqual({ error: 'uploads_closed', message: expect.stringContaining('closed') as unknown });
  });

  it('409 uploads_not_open for a charter 90 days out: its page is no file host until the day before', async () => {
    await deliver(upcoming('gp-future-1', { charter_date: marinaDate(90) }));
    const result = await presign(photo({ booking_id: 'gp-future-1', mime_type: 'video/mp4', file_size: 200e6 }), {
      'x-upload-token': mintUploadToken(uploadKey, 'gp-future-1'),
    });
    expect(result.statusCode).toBe(409);
    expect(bodyOf(result)).toEqual({
      error: 'uploads_not_open',
      message: expect.stringContaining('open at') as unknown,
    });
    // Nothing was counted against the booking's quota.
    expect(await recordOf('gp-future-1')).not.toHaveProperty('upload_files');
  });

  it('403 for the three other base64url spellings of the page’s token', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1)!);
    for (const padding of [1, 2, 3]) {
      const spelling = `${token.slice(0, -1)}${alphabet[(last & ~3) | ((last + padding) & 3)]}`;
      const result = await presign(photo(), { 'x-upload-token': spelling });
      expect({ spelling, status: result.statusCode, error: bodyOf(result).error }).toEqual({
        spelling,
        status: 403,
        error: 'invalid_token',
      });
    }
  });

  it('415 for a file that is not a photo or video', async () => {
    const result = await presign(photo({ mime_type: 'text/html', file_name: 'x.html' }), { 'x-upload-token': token });
    expect(result.statusCode).toBe(415);
    expect(bodyOf(result).error).toBe('unsupported_type');
  });

  it('413 for a photo over the limit', async () => {
    const result = await presign(photo({ file_size: MAX_IMAGE_BYTES + 1 }), { 'x-upload-token': token });
    expect(result.statusCode).toBe(413);
    expect(bodyOf(result)).toEqual({ error: 'file_too_large', message: expect.stringContaining('25 MB') as unknown });
  });

  it('422 naming the bad field', async () => {
    const result = await presign(photo({ file_size: 'big' }), { 'x-upload-token': token });
    expect(result.statusCode).toBe(422);
    expect(bodyOf(result).fields).toEqual([{ path: 'file_size', message: expect.any(String) as unknown }]);
  });

  it('400 for a body that is not JSON', async () => {
    const result = await presign('{"booking_id":', { 'x-upload-token': token });
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).error).toBe('bad_json');
  });

  it('accepts a token minted with a just-rotated upload key at once, and the old key’s while it rotates', async () => {
    await deliver(upcoming('gp-rotated-1'));
    const upload = photo({ booking_id: 'gp-rotated-1' });
    const withTokenOf = (key: string) => presign(upload, { 'x-upload-token': mintUploadToken(key, 'gp-rotated-1') });
    // presign holds the key it read; a live stage's copy is minutes old. A miss re-reads at most every 5 s.
    expect((await withTokenOf(uploadKey)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 5200));

    // What `npm run rotate` does, and what a page rendered right after it carries.
    const rotatedKey = 'rotated-guest-upload-key-0123456789';
    await new SecretsManagerClient({}).send(
      new PutSecretValueCommand({ SecretId: 'charter/local/guest-upload-key', SecretString: rotatedKey }),
    );
    expect((await withTokenOf(rotatedKey)).statusCode).toBe(200);
    expect((await withTokenOf(uploadKey)).statusCode).toBe(200);
    expect((await withTokenOf('neither-key')).statusCode).toBe(403);
    uploadKey = rotatedKey;
  }, 20_000);
});

describe('GET /bookings/{booking_id}/guest-page (operator)', () => {
  beforeAll(() => deliver(upcoming('gp-operator-1')));

  it('answers the slug and link with the right X-Service-Key', async () => {
    const result = await operator('gp-operator-1', { 'x-service-key': serviceKey });
    expect(result.statusCode).toBe(200);
    const { slug, url } = publishedPages('gp-operator-1')[0]!.detail;
    expect(bodyOf<GuestPageLink>(result)).toEqual({
      booking_id: 'gp-operator-1',
      slug,
      url,
      revision: 1,
      status: 'live',
    });
  });

  it('401 without the key', async () => {
    const result = await operator('gp-operator-1');
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result).error).toBe('missing_credentials');
  });

  it('403 with a wrong key', async () => {
    const result = await operator('gp-operator-1', { 'x-service-key': `${serviceKey}x` });
    expect(result.statusCode).toBe(403);
    expect(bodyOf(result).error).toBe('invalid_credentials');
  });

  it('404 for a booking with no page', async () => {
    const result = await operator('never-delivered', { 'x-service-key': serviceKey });
    expect(result.statusCode).toBe(404);
  });
});

describe('configuration', () => {
  it('answers 500 not_configured, naming the secret, when the service key secret is missing', async () => {
    const saved = process.env.SERVICE_KEY_SECRET_NAME;
    process.env.SERVICE_KEY_SECRET_NAME = 'charter/local/no-such-secret';
    try {
      // A fresh copy of the handler (and its settings and secret cache), as a cold start with this environment.
      let handler: HttpHandler | undefined;
      await jest.isolateModulesAsync(async () => {
        handler = (await import('../src/handlers/get-guest-page')).handler;
      });
      const result = await handler!(
        httpApiEvent({
          method: 'GET',
          route: 'GET /bookings/{booking_id}/guest-page',
          path: '/bookings/x/guest-page',
          pathParameters: { booking_id: 'xhqgmdh' },
          headers: { 'x-service-key': serviceKey },
        }),
        lambdaContext(),
      );
      expect(result.statusCode).toBe(500);
      expect(bodyOf(result)).toEqual({
        error: 'not_configured',
        message: expect.stringContaining('charter/local/no-such-secret') as unknown,
      });
    } finally {
      process.env.SERVICE_KEY_SECRET_NAME = saved;
    }
  });
});
