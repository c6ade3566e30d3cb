import { BookingId } from '@charter/events';
import { requireSharedKey } from '@charter/shared/auth';
import { HttpError, notFound } from '@charter/shared/errors';
import { httpHandler, json, validate } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { setting } from '../config';
import { guestPageUrl } from '../domain/slug';
import { findGuestPage, storedPageOf } from '../store';

const logger = createLogger('charter-guest-pages');

/**
 * GET /bookings/{booking_id}/guest-page (X-Service-Key): the link the operator sends the guest, with the revision and
 * status (`live` or `cancelled`) the stored page shows; 404 `not_published` until the page is stored in S3; 410 for
 * a booking cancelled before it had a page.
 */
export const handler = httpHandler(logger, async (event) => {
  await requireSharedKey(event, setting('SERVICE_KEY_SECRET_NAME'), 'X-Service-Key');
  const bookingId = validate(BookingId, event.pathParameters?.booking_id, 'invalid_booking_id');
  withBookingId(logger, bookingId);

  const record = await findGuestPage(bookingId);
  if (!record) {
    throw notFound(
      `Booking ${bookingId} has no guest page (yet): it is made when BookingCreated arrives.`,
      'unknown_booking',
    );
  }
  if (!record.slug) {
    // A tombstone: cancelled before any live event, so no page was made and none ever will be.
    throw new HttpError(
      410,
      'cancelled',
      `Booking ${bookingId} was cancelled before its guest page was made; it has none.`,
    );
  }
  const stored = await storedPageOf({ ...record, slug: record.slug });
  if (!stored) {
    // The item is written before the page: a link now would be CloudFront's 403 (which it might cache).
    throw notFound(
      `Booking ${bookingId}'s guest page is not stored yet; it is published within a minute of the booking ` +
        'event unless the event is in the guest-pages dead-letter queue. Ask again shortly.',
      'not_published',
    );
  }
  const { slug } = record;
  const url = guestPageUrl(setting('GUEST_SITE_URL'), slug);
  return json(200, { booking_id: bookingId, slug, url, revision: stored.revision, status: stored.lifecycle });
});
