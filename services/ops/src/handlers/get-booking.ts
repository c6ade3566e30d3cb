import { BookingId } from '@charter/events';
import { requireSharedKey } from '@charter/shared/auth';
import { notFound } from '@charter/shared/errors';
import { httpHandler, json } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { setting } from '../config';
import { bookingView } from '../read-model';

const logger = createLogger('charter-ops');

/** GET /ops/bookings/{booking_id}: the booking's status and its timeline, in the order things happened. */
export const handler = httpHandler(logger, async (event) => {
  await requireSharedKey(event, setting('DASHBOARD_TOKEN_SECRET_NAME'), 'X-Dashboard-Token');
  const bookingId = event.pathParameters?.booking_id ?? '';
  // A malformed id names no booking: the same 404 as an unknown one.
  const view = BookingId.safeParse(bookingId).success ? await bookingView(bookingId, new Date()) : undefined;
  if (!view) throw notFound(`Ops has seen no event of booking ${bookingId}.`, 'unknown_booking');
  withBookingId(logger, bookingId);
  return json(200, view);
});
