import { BookingId } from '@charter/events';
import { requireSharedKey } from '@charter/shared/auth';
import { envString, envUrl, lazyConfig, readConfig } from '@charter/shared/config';
import { notFound } from '@charter/shared/errors';
import { httpHandler, json, validate } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { SecretReader } from '@charter/shared/secrets';
import { z } from 'zod';
import { guestPageUrl } from '../domain/slug';
import { findGuestPage } from '../store';

const logger = createLogger('charter-guest-pages');
const secrets = new SecretReader();

const config = lazyConfig(() =>
  readConfig(z.object({ GUEST_PAGES_TABLE: envString, GUEST_SITE_URL: envUrl, SERVICE_KEY_SECRET_NAME: envString })),
);

/** GET /bookings/{booking_id}/guest-page (X-Service-Key): the link the operator sends the guest. */
export const handler = httpHandler(logger, async (event) => {
  const settings = config();
  await requireSharedKey(event, settings.SERVICE_KEY_SECRET_NAME, 'X-Service-Key');
  const bookingId = validate(BookingId, event.pathParameters?.booking_id, 'invalid_booking_id');
  withBookingId(logger, bookingId);

  const record = await findGuestPage(settings.GUEST_PAGES_TABLE, bookingId);
  if (!record)
    throw notFound(
      `Booking ${bookingId} has no guest page (yet): it is made when BookingCreated arrives.`,
      'unknown_booking',
    );
  return json(200, {
    booking_id: bookingId,
    slug: record.slug,
    url: guestPageUrl(settings.GUEST_SITE_URL, record.slug),
  });
});
