import type { BookingCreatedInput, GuestPagePublished } from '@charter/events';
import type { HttpHandler, HttpResult } from '@charter/shared/http';
import type { EventBridgeEvent } from 'aws-lambda';
import { httpApiEvent, type LocalCloud } from '@charter/local/testing';
import { marinaDate } from '@charter/local/fixtures';
import { mintUploadToken } from '../src/domain/upload-token';
import { bookingEnvelope, lambdaContext, startGuestPages } from './support/harness';
import { sampleBooking } from './support/bookings';

/**
 * The per-booking upload quota through the local cloud (dynalite, the real SDK): every presign counts its file and
 * declared size in one conditional write, so concurrent presigns cannot overshoot the limits, and the one past a limit
 * is 429 quota_exceeded naming it. The stage here allows 10 files and 100 MB per booking.
 */
type BusHandler = (
  event: EventBridgeEvent<string, unknown>,
  context: ReturnType<typeof lambdaContext>,
) => Promise<void>;
type Refusal = { error: string; message: string; limit?: string };

const MAX_FILES = 10;
const MB = 1024 * 1024;
const MAX_BYTES = 100 * MB;

let cloud: LocalCloud;
let uploadKey: string;
const h = {} as { onBookingEvent: BusHandler; presign: HttpHandler };

beforeAll(async () => {
  cloud = await startGuestPages({ UPLOAD_MAX_FILES: String(MAX_FILES), UPLOAD_MAX_BYTES: String(MAX_BYTES) });
  uploadKey = cloud.secrets['charter/local/guest-upload-key']!;
  h.onBookingEvent = (await import('../src/handlers/on-booking-event')).handler;
  h.presign = (await import('../src/handlers/presign')).handler;
});
afterAll(() => cloud?.stop());

/** A booking whose charter is tomorrow at the marina: its window is open now. */
async function bookingTomorrow(bookingId: string): Promise<void> {
  const detail: BookingCreatedInput = { ...sampleBooking(), booking_id: bookingId, charter_date: marinaDate(1) };
  await h.onBookingEvent(bookingEnvelope(detail), lambdaContext());
  const pages = cloud.published().filter((e) => (e.detail as GuestPagePublished).booking_id === bookingId);
  expect(pages).toHaveLength(1);
}

const presign = (bookingId: string, fileSize: number, name = 'deck.jpg') =>
  h.presign(
    httpApiEvent({
      method: 'POST',
      route: 'POST /g/presign',
      path: '/g/presign',
      headers: { 'content-type': 'application/json', 'x-upload-token': mintUploadToken(uploadKey, bookingId) },
      body: JSON.stringify({ booking_id: bookingId, file_name: name, file_size: fileSize, mime_type: 'image/jpeg' }),
    }),
    lambdaContext(),
  );
const bodyOf = (result: HttpResult) => JSON.parse(String(result.body)) as Refusal;

describe('the per-booking upload quota', () => {
  it('lets exactly 10 of 50 concurrent presigns through against a limit of 10 files; the rest are 429', async () => {
    await bookingTomorrow('gp-quota-files');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => presign('gp-quota-files', 1000, `IMG_${i}.jpg`)),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(MAX_FILES);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50 - MAX_FILES);
    for (const refused of results.filter((r) => r.statusCode === 429)) {
      expect(bodyOf(refused)).toEqual({
        error: 'quota_exceeded',
        limit: 'files',
        message: "This charter's uploads have reached their limit of 10 files.",
      });
    }
    // The limit holds afterwards too.
    expect((await presign('gp-quota-files', 1000)).statusCode).toBe(429);
  });

  it('counts bytes: four 25 MB photos fill 100 MB; the fifth, or any more, is 429 naming the bytes', async () => {
    await bookingTomorrow('gp-quota-bytes');
    const results = await Promise.all(Array.from({ length: 5 }, () => presign('gp-quota-bytes', 25 * MB)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 429]);
    expect(bodyOf(results.find((r) => r.statusCode === 429)!)).toEqual({
      error: 'quota_exceeded',
      limit: 'bytes',
      message: "This charter's uploads have reached their limit of 100 MB.",
    });
    expect((await presign('gp-quota-bytes', 1)).statusCode).toBe(429);
  });

  it('keeps each booking’s quota its own', async () => {
    await bookingTomorrow('gp-quota-other');
    expect((await presign('gp-quota-other', 1000)).statusCode).toBe(200);
  });
});
