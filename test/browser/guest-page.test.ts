import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { BookingCancelledInput, BookingCreatedInput } from '@charter/events';
import type { Page } from 'playwright-core';
import { marinaDate } from '@charter/local/fixtures';
import { publishBookings, startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { SCREENSHOTS, dateAsWritten, launchPhone, type Phone } from '../support/browser';
import { eventsOf } from '../support/e2e';
import { mintUploadToken } from '../../services/guest-pages/src/domain/upload-token';

/**
 * The guest page as a guest's phone meets it: BookingCreated on the bus, the page rendered by
 * the running guest-pages service, fetched through the local CloudFront distribution in Debian's
 * headless Chromium, a photo chosen in the real upload widget and posted (presign, then a
 * presigned POST) into the local S3 uploads bucket. A second booking whose charter is over shows
 * uploads closed, and presign refuses it. A third, cancelled by its partner after its page was made,
 * says so at the same address, with no widget. Nothing on any page talks to any other origin.
 */

const TIMEOUT = 120_000;
const sample = JSON.parse(
  readFileSync(join(__dirname, '../../events/samples/boatsetter-xhqgmdh.json'), 'utf8'),
) as BookingCreatedInput;

/** A 24x16 blue-to-sand gradient, encoded as a baseline JFIF JPEG by Chromium's canvas (802 bytes). */
const PHOTO = readFileSync(join(__dirname, 'fixtures', 'sunset-at-shelter-island.jpg'));
const PHOTO_NAME = 'Sunset at Shelter Island.jpg';

/** Tomorrow at the marina: uploads opened at midnight. */
const upcoming = { ...sample, booking_id: 'xhqgmdh-upcoming', charter_date: marinaDate(1) };
/** A month out: the page exists, uploads open the day before. */
const later = { ...sample, booking_id: 'xhqgmdh-later', charter_date: marinaDate(30) };
const ended = { ...sample, booking_id: 'xhqgmdh-ended', charter_date: marinaDate(-30) };
const toCancel = { ...sample, booking_id: 'xhqgmdh-cancelled', charter_date: '2027-06-19' };
/** Boatsetter cancels it for the weather at 2027-06-18T22:40:00Z: 3:40 PM in San Diego (PDT), the day before. */
const cancellation: BookingCancelledInput = {
  schema_version: 1,
  booking_id: toCancel.booking_id,
  source: 'boatsetter',
  revision: 2,
  cancelled_at: '2027-06-18T22:40:00Z',
  cancelled_by: 'weather',
  reason: 'Gale warning. Refund of $1,450 issued; guest reachable on +1 619 555 0142.',
};

/** The partner's cancellation, put on the bus as Boatsetter's own account would (the real SDK's PutEvents). */
async function publishCancellation(detail: BookingCancelledInput): Promise<void> {
  const client = new EventBridgeClient({});
  try {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'charter-bookings-local',
            Source: `partner.${detail.source}`,
            DetailType: 'BookingCancelled',
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    if (result.FailedEntryCount) throw new Error(`PutEvents refused: ${JSON.stringify(result.Entries)}`);
  } finally {
    client.destroy();
  }
}

describe('the guest page in headless Chromium against the local cloud', () => {
  let cloud: LocalCloud;
  let phone: Phone;
  let s3: S3Client;
  let uploadsBucket: string;
  const pageUrls: Record<string, string> = {};

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: ['guest-pages'], run: true });
    uploadsBucket = cloud.functionEnv('guest-pages', 'presign').UPLOADS_BUCKET!;
    s3 = new S3Client({ forcePathStyle: true });

    await publishBookings([upcoming, later, ended, toCancel]);
    await cloud.idle();
    // Cancelled once its page exists (a cancellation that came first would leave no page at all).
    await publishCancellation(cancellation);
    await cloud.idle();
    for (const booking of [upcoming, later, ended, toCancel]) {
      const published = eventsOf(cloud, 'GuestPagePublished', booking.booking_id).at(-1);
      if (!published)
        throw new Error(`no GuestPagePublished for ${booking.booking_id}; see the logs in ${cloud.stateDir}/logs`);
      pageUrls[booking.booking_id] = published.detail.url;
    }

    phone = await launchPhone();
  }, TIMEOUT);

  afterAll(async () => {
    await phone?.close();
    s3?.destroy();
    await cloud?.stop();
  }, TIMEOUT);

  /** The request the widget makes, with the token the page carries, from the page's origin (CORS, CSP apply). */
  const presignFromPage = (page: Page) =>
    page.evaluate(async () => {
      const config = JSON.parse(document.getElementById('upload-config')!.textContent) as {
        bookingId: string;
        presignUrl: string;
        uploadToken: string;
      };
      const response = await fetch(config.presignUrl, {
        method: 'POST',
        mode: 'cors',
        credentials: 'omit',
        headers: { 'Content-Type': 'application/json', 'X-Upload-Token': config.uploadToken },
        body: JSON.stringify({
          booking_id: config.bookingId,
          file_name: 'a.jpg',
          file_size: 802,
          mime_type: 'image/jpeg',
        }),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    });

  /** A fresh recording tab on the page, which must answer 200. */
  async function open(name: string, url: string): Promise<Page> {
    const { page, response } = await phone.open(name, url);
    expect(response.status()).toBe(200);
    return page;
  }

  it('publishes each booking a page on the guest site', () => {
    for (const booking of [upcoming, later, ended, toCancel]) {
      expect(pageUrls[booking.booking_id]).toMatch(new RegExp(`^${cloud.endpoints.guestSite}/g/[A-Za-z0-9_-]{22}$`));
    }
  });

  it(
    'shows the upcoming charter and uploads a chosen photo straight into the uploads bucket under the booking',
    async () => {
      const page = await open('upcoming', pageUrls[upcoming.booking_id]!);
      const date = dateAsWritten(upcoming.charter_date);

      await expect(page.title()).resolves.toBe(`Your charter aboard JADA · ${date}`);
      expect(await page.locator('h1').innerText()).toBe('JADA');
      expect(await page.locator('#charter-date').innerText()).toBe(date);
      expect(await page.locator('#charter-time').innerText()).toMatch(/^10:00\sAM\s–\s1:00\sPM\sP[DS]T$/);
      expect(await page.locator('#charter-guests').innerText()).toBe('4 guests');
      expect(await page.locator('#charter-location').innerText()).toBe('Shelter Island, San Diego');
      expect(await page.locator('#greeting-before').innerText()).toMatch(/^Hi Dana,/);
      expect(await page.locator('#uploads-open').isVisible()).toBe(true);
      expect(await page.locator('#uploads-closed').isVisible()).toBe(false);
      // The partner's notes carry the payout and the captain's fee: none of it reaches the guest.
      const text = await page.locator('body').innerText();
      expect(text).not.toMatch(/\$|1,450|payout|captain fee|cake|dana\.whitfield|555/i);

      await page.locator('#photo-input').setInputFiles({ name: PHOTO_NAME, mimeType: 'image/jpeg', buffer: PHOTO });
      const finished = page.locator('#uploaded li[data-key]');
      await finished.waitFor({ state: 'visible', timeout: 30_000 });
      await page.locator('#upload-current').waitFor({ state: 'hidden' });
      expect(await page.locator('#upload-error').isVisible()).toBe(false);
      expect(await finished.locator('.file-name').innerText()).toBe(PHOTO_NAME);
      expect(await finished.locator('.file-size').innerText()).toBe('1 KB');
      const key = (await finished.getAttribute('data-key'))!;
      expect(key).toMatch(new RegExp(`^uploads/${upcoming.booking_id}/[0-9a-f]{16}-Sunset-at-Shelter-Island\\.jpg$`));

      const listed = await s3.send(
        new ListObjectsV2Command({ Bucket: uploadsBucket, Prefix: `uploads/${upcoming.booking_id}/` }),
      );
      expect(listed.Contents?.map((o) => ({ key: o.Key, size: o.Size }))).toEqual([{ key, size: PHOTO.length }]);
      const stored = await s3.send(new GetObjectCommand({ Bucket: uploadsBucket, Key: key }));
      expect(stored.ContentType).toBe('image/jpeg');
      expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(PHOTO)).toBe(true);

      await page.screenshot({ path: join(SCREENSHOTS, 'guest-page-open.png'), fullPage: true });
      await page.close();
    },
    TIMEOUT,
  );

  it(
    'shows uploads closed once the charter has ended, and presign refuses the page its token with 409',
    async () => {
      const page = await open('ended', pageUrls[ended.booking_id]!);
      const date = dateAsWritten(ended.charter_date);

      expect(await page.locator('#charter-date').innerText()).toBe(date);
      await page.locator('#uploads-closed').waitFor({ state: 'visible' });
      expect(await page.locator('#uploads-closed').innerText()).toContain(`Photo uploads are closed.`);
      // A day after the charter ended: the grace has passed too.
      expect(await page.locator('#uploads-closed').innerText()).toContain(`They closed at 1:00 PM`);
      expect(await page.locator('#photo-input').isDisabled()).toBe(true);
      expect(await page.locator('#uploads-open').isVisible()).toBe(false);
      expect(await page.locator('#greeting-after').innerText()).toBe(
        'Hi Dana, thank you for sailing with us aboard JADA.',
      );
      expect(await page.locator('#greeting-before').isVisible()).toBe(false);
      expect(await page.locator('#tips').isVisible()).toBe(false);

      const answer = await presignFromPage(page);
      expect(answer).toEqual({
        status: 409,
        body: { error: 'uploads_closed', message: expect.any(String) as unknown },
      });
      const listed = await s3.send(
        new ListObjectsV2Command({ Bucket: uploadsBucket, Prefix: `uploads/${ended.booking_id}/` }),
      );
      expect(listed.KeyCount ?? 0).toBe(0);

      await page.screenshot({ path: join(SCREENSHOTS, 'guest-page-closed.png'), fullPage: true });
      await page.close();
    },
    TIMEOUT,
  );

  it(
    'says when uploads open on a page a month ahead, and presign refuses its token with 409 uploads_not_open',
    async () => {
      const page = await open('later', pageUrls[later.booking_id]!);
      await page.locator('#uploads-not-open').waitFor({ state: 'visible' });
      const dayBefore = dateAsWritten(marinaDate(29));
      expect(await page.locator('#uploads-not-open').innerText()).toMatch(
        new RegExp(`^Photo uploads open at 12:00 AM P[DS]T on ${dayBefore}\\.`),
      );
      expect(await page.locator('#uploads-open').isVisible()).toBe(false);
      expect(await page.locator('#photo-input').isDisabled()).toBe(true);
      expect(await page.locator('#greeting-before').isVisible()).toBe(true);
      expect(await presignFromPage(page)).toEqual({
        status: 409,
        body: { error: 'uploads_not_open', message: expect.any(String) as unknown },
      });
      await page.screenshot({ path: join(SCREENSHOTS, 'guest-page-not-open.png'), fullPage: true });
      await page.close();
    },
    TIMEOUT,
  );

  it(
    'shows the cancelled charter at the same address: cancelled, when, whom to ask, and no upload widget',
    async () => {
      const events = eventsOf(cloud, 'GuestPagePublished', toCancel.booking_id);
      expect(events.map((e) => [e.detail.revision, e.detail.status])).toEqual([
        [1, 'live'],
        [2, 'cancelled'],
      ]);
      expect(events[1]!.detail.url).toBe(events[0]!.detail.url);

      const page = await open('cancelled', pageUrls[toCancel.booking_id]!);
      await expect(page.title()).resolves.toBe('Cancelled: your charter aboard JADA · Saturday, June 19, 2027');
      expect(await page.locator('#status-badge').innerText()).toMatch(/^cancelled$/i);
      expect(await page.locator('#greeting-cancelled').innerText()).toBe(
        'Hi Dana, we’re sorry: your charter aboard JADA on Saturday, June 19, 2027 has been cancelled.',
      );
      expect(await page.locator('#cancelled-at').innerText()).toBe(
        'It was cancelled on Friday, June 18, 2027 at 3:40 PM PDT.',
      );
      expect(await page.locator('#cancelled-contact').innerText()).toContain('booking reference xhqgmdh-cancelled');
      expect(await page.locator('#charter-time').innerText()).toMatch(/^10:00\sAM\s–\s1:00\sPM\sPDT$/);
      // No widget, no script, nothing to press.
      expect(await page.locator('input, button, label, form, script').count()).toBe(0);
      expect(await page.locator('#uploads-open, #photo-input, #tips').count()).toBe(0);
      // The partner's reason (a refund and a phone number), the money in the notes: none of it reaches the guest.
      const text = await page.locator('body').innerText();
      expect(text).not.toMatch(/\$|1,450|gale|refund|payout|captain fee|cake|dana\.whitfield|555/i);

      // The token of the live page this guest may still have open: presign answers 410 for it.
      const token = mintUploadToken(cloud.secrets['charter/local/guest-upload-key']!, toCancel.booking_id);
      const presign = await fetch(`${cloud.endpoints.api}/g/presign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-upload-token': token },
        body: JSON.stringify({
          booking_id: toCancel.booking_id,
          file_name: 'a.jpg',
          file_size: 802,
          mime_type: 'image/jpeg',
        }),
      });
      expect(presign.status).toBe(410);
      expect(await presign.json()).toEqual({ error: 'cancelled', message: expect.any(String) as unknown });

      await page.screenshot({ path: join(SCREENSHOTS, 'guest-page-cancelled.png'), fullPage: true });
      await page.close();
    },
    TIMEOUT,
  );

  it('talked only to the guest site, the API and the uploads bucket, without console or CSP errors', () => {
    const allowed = new Set([cloud.endpoints.guestSite, cloud.endpoints.api, cloud.endpoints.s3]);
    const network = phone.requests.filter((r) => !r.url.startsWith('data:'));
    expect(network.filter((r) => !allowed.has(new URL(r.url).origin))).toEqual([]);
    // The check above saw the traffic it is about: both pages, the presign calls and the upload.
    const seen = (page: string, method: string, origin: string) =>
      network.some((r) => r.page === page && r.method === method && new URL(r.url).origin === origin);
    expect(seen('upcoming', 'GET', cloud.endpoints.guestSite)).toBe(true);
    expect(seen('upcoming', 'POST', cloud.endpoints.api)).toBe(true);
    expect(seen('upcoming', 'POST', cloud.endpoints.s3)).toBe(true);
    expect(seen('ended', 'GET', cloud.endpoints.guestSite)).toBe(true);
    expect(seen('ended', 'POST', cloud.endpoints.api)).toBe(true);
    // The cancelled page: itself and nothing else (it has no script to call anyone).
    expect(network.filter((r) => r.page === 'cancelled').map((r) => `${r.method} ${new URL(r.url).origin}`)).toEqual([
      `GET ${cloud.endpoints.guestSite}`,
    ]);
    expect(seen('later', 'POST', cloud.endpoints.api)).toBe(true);
    // The console lines are Chromium reporting the two 409s the test provoked; no CSP violation, no script error.
    expect(phone.problems).toEqual([
      'ended: console error: Failed to load resource: the server responded with a status of 409 (Conflict)',
      'later: console error: Failed to load resource: the server responded with a status of 409 (Conflict)',
    ]);
  });
});
